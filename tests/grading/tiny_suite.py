"""A tiny hidden suite (two tasks, four tests) and contexts that call the student in-process."""

import pytest

from grader.suite.plugin import SuiteContext
from grader.worker.client import MissingFunction

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
    """The tiny suite's folder, its reference importable as ``tiny_ref``."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tiny.py").write_text(SUITE)
    (tmp_path / "tiny_ref.py").write_text(REF)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path / "tests"


def tiny_context(functions, seed="s"):
    def call(name, args, kwargs):
        if name not in functions:
            raise MissingFunction(f"{name} is not defined")
        return functions[name](*args, **kwargs)

    return SuiteContext(assignment="07_tiny", task_points={"double": 4.0, "negate": 2.0},
                        reference={"double": "tiny_ref:double", "negate": "tiny_ref:negate"},
                        seed_material=seed, call=call)


def recording_double(seen: dict, seed: str):
    """A correct ``double`` that appends every input it gets to ``seen[seed]``."""
    def double(x):
        seen.setdefault(seed, []).append(x.copy())
        return 2 * x
    return double
