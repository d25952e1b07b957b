"""The built course the self-test cases grade, built one assignment at a time as cases need it."""

from collections.abc import Callable
from pathlib import Path

import pytest

from grader.build.pipeline import build_course
from grader.config import load_course

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_course(tmp_path_factory) -> Callable[[str], Path]:
    """``built_course(slug)``: the build directory, holding ``slug`` (built on first use: a worker
    that grades the cases of some assignments builds only those)."""
    out = tmp_path_factory.mktemp("selftest-build")
    course = load_course(ROOT / "course.toml")
    built: set[str] = set()

    def build(slug: str) -> Path:
        if slug not in built:
            build_course(course, slugs=(slug,), out=out)
            built.add(slug)
        return out

    return build
