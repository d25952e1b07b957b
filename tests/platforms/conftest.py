"""A built course of one assignment and its sample students, shared by the platform tests."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    course("build", SLUG, "--out", str(out), "--config", str(ROOT / "course.toml"), cwd=out)
    return out


@pytest.fixture(scope="module")
def samples(built, tmp_path_factory) -> Path:
    """``<student>/01_activations/01_activations.ipynb`` for complete, untouched, partial, buggy-*."""
    from grader.samples import write_samples

    out = tmp_path_factory.mktemp("samples")
    write_samples(built=built, assignment_folder=ROOT / "assignments" / SLUG, slug=SLUG, out=out, buggy=1)
    return out
