"""A release with wrong answers still runs to its end: a forward that returns the wrong structure
fails its check with the reason, the experiments plot what works and name what to fix, and the
progress table says FAIL with the first reason. (01_activations, run with nbclient.)"""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

from grader.build.pipeline import build_course
from grader.config import load_course
from tests.release.notebook_outputs import check_lines, figure_reprs, problems, progress_rows

ROOT = Path(__file__).parents[2]
SLUG = "01_activations"
WRONG = {
    # no cache: the experiment's `out, cache = forward(x)` cannot unpack it
    "sigmoid_forward": "def sigmoid_forward(x):\n    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))",
    "relu_forward": "def relu_forward(x):\n    return np.maximum(x, 0.0), x",
    "relu_backward": "def relu_backward(dout, cache):\n    return dout * (cache > 0)",
    "tanh_forward": "def tanh_forward(x):\n    return [np.tanh(x)], None",  # a list where an array belongs
}

pytestmark = pytest.mark.slow


def test_wrong_answers_fail_their_checks_and_nothing_stops_run_all(tmp_path):
    build_course(load_course(ROOT / "course.toml", environ={}), slugs=(SLUG,), out=tmp_path)
    folder = tmp_path / "release" / SLUG
    nb = nbformat.read(folder / f"{SLUG}.ipynb", as_version=4)
    for cell in nb.cells:
        task = cell.metadata.get("nnf", {}).get("task")
        if cell.metadata["nnf"]["kind"] == "solution" and task in WRONG:
            cell.source = WRONG[task]
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(folder)}}).execute()
    assert problems(nb) == []
    assert figure_reprs(nb) == []
    lines = check_lines(nb)
    assert "FAIL sigmoid_forward: should return (out, cache), a tuple of 2 items; got ndarray" in lines
    assert any(line.startswith("PASS relu_backward") for line in lines)
    rows = progress_rows(nb, ["sigmoid_forward", "relu_forward", "relu_backward", "tanh_forward", "elu_forward"])
    assert rows["sigmoid_forward"].startswith("FAIL: should return (out, cache)")
    assert rows["relu_forward"] == rows["relu_backward"] == "PASS"
    assert rows["elu_forward"] == "NOT IMPLEMENTED"
    experiments = "".join(o.get("text", "") for c in nb.cells if c.metadata["nnf"]["kind"] == "experiment"
                          for o in c.outputs)
    assert "not plotted, fix these first (run their checks): sigmoid (ValueError" in experiments
    assert "Implement sigmoid_backward" not in experiments
    plotted = [c for c in nb.cells if c.metadata["nnf"]["kind"] == "experiment"
               and any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert plotted, "relu works: its curve is plotted"
