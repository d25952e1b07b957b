"""The hidden-suite plugin on a tiny suite, with the student's functions called in-process."""

import textwrap

import numpy as np
import pytest

from grader.suite.plugin import SuiteContext, task_marker
from grader.suite.run import run_suite
from grader.worker.client import MissingFunction, StudentException, StudentTimeout

SUITE = '''
import numpy as np
import pytest


@pytest.mark.task07_double
def test_values(student, ref, rng, expect):
    """Doubles a random vector."""
    x = rng.standard_normal(5)
    expect(student.double(x), ref.double(x), name="out")


@pytest.mark.task07_double
@pytest.mark.weight(3)
@pytest.mark.visibility("hidden")
def test_batch_of_one(student, ref, expect):
    expect(student.double(np.ones(1)), ref.double(np.ones(1)))


@pytest.mark.task07_negate
@pytest.mark.parametrize("n", [1, 4])
def test_negate(student, expect, n):
    assert student.negate(np.ones(n)).shape == (n,), "negate changed the shape"
'''

REF = "def double(x):\n    return 2 * x\n\ndef negate(x):\n    return -x\n"


@pytest.fixture
def suite(tmp_path, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tiny.py").write_text(SUITE)
    (tmp_path / "tiny_ref.py").write_text(REF)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path / "tests"


def _context(functions, seed="s"):
    def call(name, args, kwargs):
        if name not in functions:
            raise MissingFunction(f"{name} is not defined")
        return functions[name](*args, **kwargs)

    return SuiteContext(assignment="07_tiny", task_points={"double": 4.0, "negate": 2.0},
                        reference={"double": "tiny_ref:double", "negate": "tiny_ref:negate"},
                        seed_material=seed, call=call)


def test_correct_submission_gets_full_marks(suite):
    results, problems = run_suite(suite, _context({"double": lambda x: x + x, "negate": np.negative}))
    assert problems == []
    assert [r.status for r in results] == ["passed"] * 4
    assert [r.max_score for r in results] == [1.0, 3.0, 1.0, 1.0]
    assert results[0].name == "double: Doubles a random vector"
    assert results[1].visibility == "hidden"
    assert sum(r.score for r in results) == 6.0


def test_failures_are_diagnosed_and_classified(suite):
    def negate(x):
        raise StudentException("NotImplementedError", "Task 07.negate")

    results, _ = run_suite(suite, _context({"double": lambda x: -2 * x, "negate": negate}))
    assert [r.status for r in results] == ["failed", "failed", "not_implemented", "not_implemented"]
    assert "wrong sign" in results[0].output
    assert sum(r.score for r in results) == 0.0


def test_missing_timeout_and_property_messages(suite):
    def double(x):
        raise StudentTimeout(5.0)

    results, _ = run_suite(suite, _context({"double": double, "negate": lambda x: -x[:1]}))
    assert [r.status for r in results] == ["timeout", "timeout", "passed", "failed"]
    assert results[3].output == "negate changed the shape"
    results, _ = run_suite(suite, _context({}))
    assert {r.status for r in results} == {"missing"}


def test_rng_is_seeded_per_student(suite):
    seen = {}

    def record(seed):
        def double(x):
            seen.setdefault(seed, []).append(x.copy())
            return 2 * x
        return double

    for seed in ("alice", "alice", "bob"):
        run_suite(suite, _context({"double": record(seed), "negate": np.negative}, seed=seed))
    assert np.array_equal(seen["alice"][0], seen["alice"][2])
    assert not np.array_equal(seen["alice"][0], seen["bob"][0])


def test_suite_problems_are_reported(tmp_path):
    (tmp_path / "test_bad.py").write_text(textwrap.dedent('''
        def test_no_marker(student):
            pass
    '''))
    results, problems = run_suite(tmp_path, _context({}))
    assert results == []
    assert any("0 task markers" in p for p in problems)
    assert any("no hidden test for task double" in p for p in problems)


def test_task_marker_name():
    assert task_marker("01_activations", "sigmoid_forward") == "task01_sigmoid_forward"
