"""The benchmarks' mixed population really holds what it says: each crasher and sleeper is a
cell the grader runs, with its attack intact (a cell Jupytext rewrote into invalid Python once
made every one of them a plain complete submission)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from grader.grading.extract import extract_submission

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import ATTACKS, build_assignment, mixed_population  # noqa: E402


@pytest.mark.slow
def test_hostile_submissions_keep_their_attack_in_a_cell_that_parses(tmp_path):
    bundle = build_assignment("01_activations", tmp_path / "build")
    kinds = mixed_population(tmp_path / "subs", tmp_path / "build", "01_activations", count=6,
                             crashers=2, sleepers=1)
    assert kinds["crash_at_import"] == kinds["crash_in_calls"] == kinds["sleeper"] == 1
    hostile = sorted((tmp_path / "subs").glob("*.py"))
    assert len(hostile) == 3
    for path in hostile:
        extracted = extract_submission(path, expected_functions=list(bundle.task_points))
        last = extracted.chunks[-1]
        attack = next(code for code in ATTACKS.values() if code.strip() in last.source)
        ast.parse(last.source)  # raises, naming the file's cell, if the attack no longer parses
        assert attack and not extracted.missing, (path.name, extracted.problems)
