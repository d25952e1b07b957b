"""01_activations end to end: the real nbgrader accepts the source notebook, both notebooks run
in a Jupyter kernel (nbclient, the venv's ``python3`` kernel), and nothing of the reference leaks.

The kernel: the venv ships the ``python3`` kernelspec (share/jupyter/kernels/python3, argv
``python -m ipykernel_launcher``) and jupyter_client runs a kernelspec's ``python`` as the
current interpreter, so the kernel is this venv's Python; nothing is installed at test time.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import nbclient
import nbformat
import pytest

from grader.build.pipeline import build_course
from grader.config import load_course
from tests.build.helpers import reference_leaks

ROOT = Path(__file__).parents[2]
SLUG = "01_activations"
CHECK_PREFIXES = ("PASS ", "FAIL ", "NOT IMPLEMENTED YET ", "ERROR ")


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "course.toml", environ={})


@pytest.fixture(scope="module")
def built(course, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    build_course(course, slugs=[SLUG], out=out)
    return out


@pytest.fixture(scope="module")
def tasks(built):
    from grader.build.classify import classify_cells
    from grader.build.source import read_source
    from grader.build.tasks import collect_tasks

    assignment = load_course(ROOT / "course.toml", environ={}).assignment(SLUG)
    return collect_tasks(classify_cells(read_source(assignment.source)), assignment)


@pytest.fixture(scope="module")
def executed(built) -> dict:
    """product -> the executed notebook, or the exception (CellExecutionError when a cell failed).
    Both notebooks run at the same time, each in its own kernel."""
    notebooks = {product: built / product / SLUG / f"{SLUG}.ipynb" for product in ("source", "release")}
    read = {product: nbformat.read(path, as_version=4) for product, path in notebooks.items()}
    clients = [nbclient.NotebookClient(read[product], kernel_name="python3", timeout=120,
                                       resources={"metadata": {"path": str(path.parent)}})
               for product, path in notebooks.items()]

    async def run_all():
        return await asyncio.gather(*(client.async_execute() for client in clients), return_exceptions=True)

    results = asyncio.run(run_all())
    return {product: result if isinstance(result, BaseException) else read[product]
            for product, result in zip(notebooks, results)}


def _execute(executed: dict, product: str) -> nbformat.NotebookNode:
    if isinstance(executed[product], BaseException):
        raise executed[product]
    return executed[product]


def _check_lines(nb) -> list[str]:
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata["nnf"]["kind"] == "check":
            assert all(o.output_type == "stream" and o.name == "stdout" for o in cell.outputs), cell.outputs
            lines += "".join(o.text for o in cell.outputs).splitlines()
    return lines


def _experiment_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.metadata["nnf"]["kind"] == "experiment"
                   for o in c.outputs)


def test_every_graded_function_is_a_task_worth_one_point(tasks, course):
    names = [t.name for t in tasks]
    assert names == list(course.assignment(SLUG).points)
    assert len(names) == 22 and {t.points for t in tasks} == {1.0}


def test_release_contains_no_reference_code(built, tasks):
    assert reference_leaks(built / "release" / SLUG, [t.reference for t in tasks]) == []
    assert not (built / "release" / SLUG / "checks.py").exists()


def test_build_is_deterministic(course, built, tmp_path):
    build_course(course, slugs=[SLUG], out=tmp_path)
    for product in ("source", "release", "autograder"):
        for path in sorted((built / product / SLUG).rglob("*")):
            assert path.read_bytes() == (tmp_path / path.relative_to(built)).read_bytes(), path


@pytest.mark.slow
def test_source_notebook_runs_and_every_check_passes(executed):
    nb = _execute(executed, "source")
    lines = _check_lines(nb)
    assert len(lines) == 11 + 2 * 11  # a forward check, then a backward and a gradient check, per function
    assert [line for line in lines if not line.startswith("PASS ")] == []
    assert "first layer / last layer gradient norm" in _experiment_text(nb)


@pytest.mark.slow
def test_release_notebook_runs_with_stubs(executed):
    nb = _execute(executed, "release")
    lines = _check_lines(nb)
    assert len(lines) == 33
    assert all(line.startswith("NOT IMPLEMENTED YET ") for line in lines), lines
    text = _experiment_text(nb)
    assert "not implemented yet: sigmoid, tanh" in text and "SKIPPED this experiment" in text


@pytest.mark.slow
def test_nbgrader_generate_assignment_accepts_the_source(built, tasks, tmp_path):
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    shutil.copytree(built / "source" / SLUG, tmp_path / "source" / SLUG)
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.course_id = "nn-foundations"
    # `nbgrader generate_assignment --no-db`: the gradebook database (created through alembic
    # subprocesses, seconds of start-up) is not what is tested; every notebook check still runs.
    config.GenerateAssignment.no_database = True
    config.SaveCells.enabled = False
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = SLUG
    GenerateAssignment(coursedir=coursedir, config=config).start()

    released = tmp_path / "release" / SLUG
    assert sorted(p.name for p in released.iterdir()) == [f"{SLUG}.ipynb", "expected.npz", "nnf_checks.py"]
    nb = nbformat.read(released / f"{SLUG}.ipynb", as_version=4)
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata["nbgrader"]["grade_id"] for c in solutions] == [t.name for t in tasks]
    assert all(c.source.endswith("    # YOUR CODE HERE\n    raise NotImplementedError()") for c in solutions)
    assert all("SOLUTION" not in c.source for c in nb.cells)
    assert reference_leaks(released, [t.reference for t in tasks]) == []
