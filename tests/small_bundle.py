"""A real autograder bundle (01_activations, built from the reference) with a small hidden
suite of the test's choosing: for grading tests that need seconds, not the full suite."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from grader.build.pipeline import build_course
from grader.config import load_course
from grader.bundle import AssignmentBundle

ROOT = Path(__file__).resolve().parents[1]
SLUG = "01_activations"

RELU_TANH_SUITE = '''
import numpy as np
import pytest


@pytest.mark.task01_relu_forward
def test_relu(student, ref, rng, expect):
    x = rng.standard_normal((3, 5))
    expect(student.relu_forward(x)[0], ref.relu_forward(x)[0])


@pytest.mark.task01_tanh_forward
def test_tanh(student, ref, rng, expect):
    x = rng.standard_normal((2, 3))
    expect(student.tanh_forward(x)[0], ref.tanh_forward(x)[0])
'''


def small_bundle(out: Path, suite: str, tasks: tuple[str, ...]) -> AssignmentBundle:
    """Build 01_activations into ``out``; its hidden suite becomes ``suite`` and its points
    those of ``tasks`` only (so every task has tests)."""
    build_course(load_course(ROOT / "course.toml"), slugs=[SLUG], out=out)
    folder = out / "autograder" / SLUG
    shutil.rmtree(folder / "tests", ignore_errors=True)
    (folder / "tests").mkdir()
    (folder / "tests" / "test_small.py").write_text(suite)
    bundle = AssignmentBundle.load(folder)
    return dataclasses.replace(bundle, task_points={t: bundle.task_points[t] for t in tasks})
