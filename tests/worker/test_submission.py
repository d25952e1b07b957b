"""Extraction and worker together, on notebooks as students hand them in."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grader.grading.extract import extract_submission
from grader.worker.client import StudentException, Worker
from grader.limits import Limits

FILES = Path(__file__).parent.parent / "files" / "submissions"
EXPECTED = ["sigmoid_forward", "relu_forward"]


def test_complete_notebook_is_graded_without_running_its_endless_experiment(rng):
    submission = extract_submission(FILES / "complete.ipynb", expected_functions=EXPECTED)
    x = rng.normal(size=(64, 64))
    with Worker.from_submission(submission, limits=Limits(cell_timeout_seconds=5)) as worker:
        assert [c.status for c in worker.report.chunks] == ["ok", "ok", "ok"]
        out, cache = worker.call("sigmoid_forward", x)
        np.testing.assert_allclose(out, 1 / (1 + np.exp(-x)), rtol=1e-12)
        relu, _ = worker.call("relu_forward", x)
        np.testing.assert_array_equal(relu, np.maximum(x, 0))
        assert worker.report.starts == 1


def test_shell_escape_in_a_solution_cell_never_runs(tmp_path):
    target = tmp_path / "touched"
    notebook = nbformat.read(FILES / "complete.ipynb", as_version=4)
    notebook.cells[2].source = f"!touch {target}\n" + notebook.cells[2].source
    notebook.cells[4].source = f"%%bash\ntouch {target}\n"
    path = tmp_path / "escape.ipynb"
    nbformat.write(notebook, path)
    submission = extract_submission(path, expected_functions=EXPECTED)
    assert any(p.startswith("shell escape removed at cell 3") for p in submission.problems)
    assert any("%%bash cell magic" in p for p in submission.problems)
    with Worker.from_submission(submission) as worker:
        out, _ = worker.call("sigmoid_forward", np.zeros(2))
    np.testing.assert_array_equal(out, [0.5, 0.5])
    assert not target.exists()


def test_percent_script_loads_setup_and_solutions(tmp_path):
    path = tmp_path / "student.py"
    shutil.copy(FILES / "percent.py", path)
    submission = extract_submission(path, expected_functions=EXPECTED)
    with Worker.from_submission(submission, limits=Limits(cell_timeout_seconds=5)) as worker:
        assert worker.report.chunks[-1].stdout.startswith("(array([1., 1.]), array([1., 1.]))")
        assert worker.call("relu_forward", np.array([-1.0, 2.0]))[0].tolist() == [0.0, 2.0]


def test_plain_module_errors_name_the_module(tmp_path):
    path = tmp_path / "student.py"
    path.write_text("import numpy as np\n\ndef sigmoid_forward(x):\n    return np.exp(-x) / undefined_name\n")
    submission = extract_submission(path, expected_functions=EXPECTED)
    with Worker.from_submission(submission) as worker, pytest.raises(StudentException) as caught:
        worker.call("sigmoid_forward", np.zeros(2))
    assert str(caught.value) == "NameError: name 'undefined_name' is not defined (module, line 4)"
