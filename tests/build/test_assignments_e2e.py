"""Every assignment in course.toml, end to end: the build is deterministic, the release holds no
reference code, the real nbgrader accepts the source notebook. (That the solution notebook passes
every visible check and the untouched release runs top to bottom is tested where a student runs
them, in a fresh environment: tests/release/test_clean_environment.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build-all")
    build_course(COURSE, out=out)
    return out


def _tasks(slug: str):
    assignment = COURSE.assignment(slug)
    return collect_tasks(classify_cells(read_source(assignment.source)), assignment)


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
