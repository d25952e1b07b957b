"""One build of every assignment in course.toml, shared by the self-test files."""

from pathlib import Path

import pytest

from grader.build.pipeline import build_course
from grader.config import load_course

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("selftest-build")
    build_course(load_course(ROOT / "course.toml"), out=out)
    return out
