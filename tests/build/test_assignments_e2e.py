"""Every assignment in course.toml, end to end: the build is deterministic, the release holds no
reference code, the real nbgrader accepts the source notebook, the solution notebook runs with
every visible check passing, and the student release runs top to bottom with its stubs.

Notebooks run in the venv's ``python3`` kernel (nbclient), an assignment's two at a time.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import nbclient
import nbformat
import pytest

from grader.build.classify import classify_cells
from grader.build.pipeline import build_course
from grader.build.source import read_source
from grader.build.tasks import collect_tasks
from grader.config import load_course
from tests.build.helpers import reference_leaks

ROOT = Path(__file__).parents[2]
COURSE = load_course(ROOT / "course.toml", environ={})
SLUGS = [a.slug for a in COURSE.assignments]
NOTEBOOK_SECONDS = 60


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build-all")
    build_course(COURSE, out=out)
    return out


def _tasks(slug: str):
    assignment = COURSE.assignment(slug)
    return collect_tasks(classify_cells(read_source(assignment.source)), assignment)


def _execute_pair(built: Path, slug: str) -> dict:
    """product -> (executed notebook or the exception it raised, seconds)."""
    paths = {product: built / product / slug / f"{slug}.ipynb" for product in ("source", "release")}
    notebooks = {product: nbformat.read(path, as_version=4) for product, path in paths.items()}

    async def run(product):
        client = nbclient.NotebookClient(notebooks[product], kernel_name="python3", timeout=120,
                                         resources={"metadata": {"path": str(paths[product].parent)}})
        start = time.perf_counter()
        try:
            await client.async_execute()
            return product, notebooks[product], time.perf_counter() - start
        except Exception as error:  # reported by the test that needs this notebook
            return product, error, time.perf_counter() - start

    async def both():
        return await asyncio.gather(run("source"), run("release"))

    return {product: (result, seconds) for product, result, seconds in asyncio.run(both())}


@pytest.fixture(scope="module")
def executed(built):
    cache: dict[str, dict] = {}

    def get(slug: str, product: str):
        if slug not in cache:
            cache[slug] = _execute_pair(built, slug)
        result, seconds = cache[slug][product]
        if isinstance(result, BaseException):
            raise result
        return result, seconds

    return get


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _check_lines(nb) -> list[str]:
    """The lines of the visible checks (not of the environment and progress cells the build adds)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata["nnf"]["kind"] == "check" and "role" not in cell.metadata["nnf"]:
            lines += _text(cell).splitlines()
    return lines


def _role(nb, role: str) -> str:
    (cell,) = [c for c in nb.cells if c.get("metadata", {}).get("nnf", {}).get("role") == role and c.cell_type == "code"]
    return _text(cell)


def _progress_rows(nb, slug) -> dict[str, str]:
    lines = _role(nb, "progress").splitlines()
    names = [t.name for t in _tasks(slug)]
    return {line.split()[0]: line.split(None, 2)[2] for line in lines if line.split() and line.split()[0] in names}


def _figure_reprs(nb) -> list[str]:
    """``<Figure size ... with 0 Axes>`` shown as text: a figure that was never drawn."""
    return [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.get("data", {}).get("text/plain", "").startswith("<Figure") and "image/png" not in o["data"]]


def _errors(nb) -> list[str]:
    return [f"cell {i}: {o.ename}: {o.evalue}" for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for o in cell.outputs if o.output_type == "error"]


@pytest.mark.parametrize("slug", SLUGS)
def test_release_contains_no_reference_code(built, slug):
    assert reference_leaks(built / "release" / slug, [t.reference for t in _tasks(slug)]) == []
    assert not (built / "release" / slug / "checks.py").exists()
    assert not (built / "release" / slug / "tests").exists()


def test_build_is_deterministic(built, tmp_path):
    build_course(COURSE, out=tmp_path)
    for slug in SLUGS:
        for product in ("source", "release", "autograder"):
            for path in sorted((built / product / slug).rglob("*")):
                if path.is_file():
                    assert path.read_bytes() == (tmp_path / path.relative_to(built)).read_bytes(), path


def test_hidden_suites_are_bundled_for_grading(built):
    for slug in SLUGS:
        suite = COURSE.assignment(slug).hidden_tests
        if suite.exists():
            for test_file in suite.glob("test_*.py"):
                bundled = built / "autograder" / slug / "tests" / test_file.name
                assert bundled.read_bytes() == test_file.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_solution_notebook_runs_with_every_check_passing(executed, slug):
    nb, seconds = executed(slug, "source")
    assert _errors(nb) == []
    lines = _check_lines(nb)
    assert len(lines) >= len(_tasks(slug)), "every graded function has at least one visible check"
    assert [line for line in lines if not line.startswith("PASS ")] == []
    assert _role(nb, "environment").startswith("Environment OK: ")
    assert _progress_rows(nb, slug) == {t.name: "PASS" for t in _tasks(slug)}
    assert _figure_reprs(nb) == []
    assert seconds < NOTEBOOK_SECONDS


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_release_notebook_runs_with_stubs(executed, slug):
    nb, _ = executed(slug, "release")
    assert _errors(nb) == []
    lines = _check_lines(nb)
    assert lines and all(line.startswith("NOT IMPLEMENTED YET ") for line in lines), lines
    assert _role(nb, "environment").startswith("Environment OK: ")
    assert _progress_rows(nb, slug) == {t.name: "NOT IMPLEMENTED" for t in _tasks(slug)}
    assert _figure_reprs(nb) == []


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_nbgrader_generate_assignment_accepts_the_source(built, slug, tmp_path):
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    shutil.copytree(built / "source" / slug, tmp_path / "source" / slug)
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    config.CourseDirectory.course_id = "nn-foundations"
    config.GenerateAssignment.no_database = True  # as `--no-db`: the gradebook DB is not what is tested
    config.SaveCells.enabled = False
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = slug
    GenerateAssignment(coursedir=coursedir, config=config).start()

    released = tmp_path / "release" / slug / f"{slug}.ipynb"
    nb = nbformat.read(released, as_version=4)
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata["nbgrader"]["grade_id"] for c in solutions] == [t.name for t in _tasks(slug)]
    assert all("SOLUTION" not in c.source for c in nb.cells)
    assert reference_leaks(released.parent, [t.reference for t in _tasks(slug)]) == []
