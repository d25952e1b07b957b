"""A private copy of the course with one assignment, built, and its sample students, shared by
the platform tests. A copy, so that `course grade` (which rebuilds the assignment into the
course's build folder) never writes into the repository's build/ while other tests read it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLUG = "01_activations"
SECRET = "platform-tests-secret-0123456789"
BIN = Path(sys.executable).parent


def course(*args: str, cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """``course ARGS`` as an instructor types it, in ``cwd``, with the test course secret."""
    result = subprocess.run([str(BIN / "course"), *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "NNF_COURSE_SECRET": SECRET, **(env or {})})
    if check and result.returncode != 0:
        raise AssertionError(f"course {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def copy_course(root: Path, *, selftest_cases: int | None = None) -> Path:
    """course.toml with 01_activations only and that assignment's folder, under ``root``; the
    first ``selftest_cases`` mutants and alternatives only, when given. Returns course.toml."""
    text = (ROOT / "course.toml").read_text()
    (root / "course.toml").write_text(text[:text.index("[[assignments]]", text.index(SLUG) + 1)])
    folder = root / "assignments" / SLUG
    shutil.copytree(ROOT / "assignments" / SLUG, folder, ignore=shutil.ignore_patterns("__pycache__"))
    if selftest_cases is not None:
        for kind in ("mutants", "alternatives"):
            for extra in sorted((folder / "selftest" / kind).glob("*.py"))[selftest_cases:]:
                extra.unlink()
    return root / "course.toml"


@pytest.fixture(scope="module")
def course_toml(tmp_path_factory) -> Path:
    return copy_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def built(course_toml, tmp_path_factory) -> Path:
    """The course built outside its folder, as an nbgrader course folder kept elsewhere."""
    out = tmp_path_factory.mktemp("build")
    course("build", SLUG, "--out", str(out), "--config", str(course_toml), cwd=out)
    return out


@pytest.fixture(scope="module")
def samples(built, tmp_path_factory) -> Path:
    """``<student>/01_activations/01_activations.ipynb`` for complete, untouched, partial, buggy-*."""
    from grader.samples import write_samples

    out = tmp_path_factory.mktemp("samples")
    write_samples(built=built, assignment_folder=ROOT / "assignments" / SLUG, slug=SLUG, out=out, buggy=1)
    return out
