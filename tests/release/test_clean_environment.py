"""What a student meets: the built course in a fresh virtual environment holding only the
release's requirements.txt and JupyterLab, every notebook run top to bottom with ``jupyter
nbconvert --execute``, as the README's "For students" section says.

The eight untouched release notebooks must run without an error output, their checks saying
NOT IMPLEMENTED YET; the eight solution notebooks (the nbgrader source, with nnf_checks.py and
expected.npz beside it) must pass every visible check. In both, the environment cell says the
environment is fine and the progress table agrees. The venv is made with uv (seconds with a
warm cache), or with venv + pip when uv is absent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grader.build.classify import classify_cells
from grader.build.pipeline import build_course
from grader.build.source import read_source
from grader.build.tasks import collect_tasks
from grader.config import load_course
from tests.release.notebook_outputs import (check_lines, figure_reprs, problems, progress_rows, role_output,
                                            run_all_seconds)

ROOT = Path(__file__).parents[2]
COURSE = load_course(ROOT / "course.toml", environ={})
SLUGS = [a.slug for a in COURSE.assignments]
NOTEBOOK_SECONDS = 60
"""Run All of one solution notebook (an untouched release is faster)."""

pytestmark = pytest.mark.slow


def _tasks(slug: str) -> list[str]:
    assignment = COURSE.assignment(slug)
    return [t.name for t in collect_tasks(classify_cells(read_source(assignment.source)), assignment)]


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


def clean_env(bin_folder: Path | None = None) -> dict:
    """os.environ without this project's venv or Jupyter settings; ``bin_folder`` first on PATH."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON"))}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(Path(sys.executable).parent))]
    if bin_folder is not None:
        path.insert(0, str(bin_folder))
        env["VIRTUAL_ENV"] = str(bin_folder.parent)
    env["PATH"] = os.pathsep.join(path)
    return env


def make_student_venv(folder: Path, requirements: Path) -> Path:
    """A fresh venv with ``pip install -r requirements`` and JupyterLab; its bin folder."""
    python = folder / "bin" / "python"
    if uv := _uv():
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(folder)], check=True, env=clean_env())
        subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements),
                        "jupyterlab"], check=True, env=clean_env())
    else:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, env=clean_env())
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements), "jupyterlab"],
                       check=True, env=clean_env())
    return folder / "bin"


def nbconvert_execute(bin_folder: Path, notebooks: list[Path], *, allow_errors: bool = False) -> subprocess.CompletedProcess:
    """``jupyter nbconvert --to notebook --execute --inplace``: each kernel starts in its notebook's folder."""
    command = [str(bin_folder / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
               "--ExecutePreprocessor.timeout=300", *(["--allow-errors"] if allow_errors else []),
               *map(str, notebooks)]
    return subprocess.run(command, env=clean_env(bin_folder), capture_output=True, text=True, timeout=1200)


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(built course, the student venv's bin folder)."""
    out = tmp_path_factory.mktemp("course")
    build_course(COURSE, out=out)
    return out, make_student_venv(tmp_path_factory.mktemp("student") / "venv", out / "release" / "requirements.txt")


@pytest.fixture(scope="module")
def executed(student, tmp_path_factory):
    """(product, slug) -> the executed notebook: copies of release/ and source/, run in two nbconvert
    processes (one per core), each running its notebooks one after the other."""
    out, bin_folder = student
    work = tmp_path_factory.mktemp("run")
    notebooks = {}
    for product in ("release", "source"):
        for slug in SLUGS:
            shutil.copytree(out / product / slug, work / product / slug)
            notebooks[product, slug] = work / product / slug / f"{slug}.ipynb"
    paths = list(notebooks.values())
    halves = [paths[0::2], paths[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda half: nbconvert_execute(bin_folder, half), halves))
    failed = [r.stderr[-3000:] for r in results if r.returncode != 0]
    assert failed == [], "nbconvert stopped"
    return {key: nbformat.read(path, as_version=4) for key, path in notebooks.items()}


def _ran_cleanly(nb, slug: str, verdict: str) -> list[str]:
    """The notebook's visible check lines, after asserting what every run must show: no error
    output, the environment cell content, each task's ``verdict`` in the progress table, no
    figure that was never drawn."""
    assert problems(nb) == []
    assert role_output(nb, "environment").startswith("Environment OK: ")
    assert progress_rows(nb, _tasks(slug)) == {task: verdict for task in _tasks(slug)}
    assert figure_reprs(nb) == []
    return check_lines(nb)


@pytest.mark.parametrize("slug", SLUGS)
def test_release_runs_untouched_with_every_check_waiting(executed, slug):
    nb = executed["release", slug]
    lines = _ran_cleanly(nb, slug, "NOT IMPLEMENTED")
    assert lines and [line for line in lines if not line.startswith("NOT IMPLEMENTED YET ")] == []
    skipped = [c for c in nb.cells if c.metadata["nnf"]["kind"] == "experiment"
               and "SKIPPED" in "".join(o.get("text", "") for o in c.outputs)]
    assert not [c for c in skipped if any("image/png" in o.get("data", {}) for o in c.outputs)]


@pytest.mark.parametrize("slug", SLUGS)
def test_solution_runs_with_every_check_passing(executed, slug):
    nb = executed["source", slug]
    lines = _ran_cleanly(nb, slug, "PASS")
    assert len(lines) >= len(_tasks(slug)), "every graded function has at least one visible check"
    assert [line for line in lines if not line.startswith("PASS ")] == []
    assert run_all_seconds(nb) < NOTEBOOK_SECONDS


def test_missing_pieces_are_one_line_each_with_what_to_do(student, tmp_path):
    """03's release without scikit-learn in the venv and without expected.npz: the environment
    cell names both and the command that installs the package."""
    out, _ = student
    lean = make_student_venv(tmp_path / "venv", out / "release" / "requirements.txt")
    if uv := _uv():
        subprocess.run([uv, "pip", "uninstall", "--quiet", "--python", str(lean / "python"), "scikit-learn"],
                       check=True, env=clean_env())
    else:
        subprocess.run([str(lean / "python"), "-m", "pip", "uninstall", "-y", "-q", "scikit-learn"], check=True)
    shutil.copytree(out / "release" / "03_mlp", tmp_path / "03_mlp")
    (tmp_path / "03_mlp" / "expected.npz").unlink()
    notebook = tmp_path / "03_mlp" / "03_mlp.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = nb.cells[:2]  # the header and the environment cell: the rest needs what is missing
    nbformat.write(nb, notebook)
    result = nbconvert_execute(lean, [notebook])
    assert result.returncode == 0, result.stderr[-2000:]
    nb = nbformat.read(notebook, as_version=4)
    assert problems(nb) == []
    assert role_output(nb, "environment").splitlines() == [
        'PROBLEM: scikit-learn is missing: run  %pip install "scikit-learn>=1.4"  in a new cell, then restart '
        'the kernel (Kernel > Restart Kernel)',
        "PROBLEM: expected.npz is missing next to this notebook: open the notebook inside its release folder, "
        "which holds nnf_checks.py and expected.npz"]
