"""Shared fixtures of the 09_attention hidden suite.

    pair(result, name) -> (out, cache)
        what the student's forward ``name`` returned, as a tuple of two (a list of two will
        do), or a GradeFailure saying what came back instead;
    own_cache(forward_name, *args, **kwargs) -> cache
        the student's cache of forward(*args, **kwargs) when their output is right, otherwise
        the reference's (the documented layout): a wrong forward is charged by its own tests,
        not a second time by its backward's.

Fixtures, because the suite runs with --import-mode=importlib: test modules cannot import
from each other or from this file.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.errors import StudentException


@pytest.fixture
def pair():
    def as_pair(result, name: str) -> tuple:
        return returned(result, name, "out, cache")

    return as_pair


@pytest.fixture
def own_cache(student, ref):
    def get(forward_name, *args, **kwargs):
        expected_out, documented = getattr(ref, forward_name)(*args, **kwargs)
        try:
            out, cache = returned(getattr(student, forward_name)(*args, **kwargs), forward_name, "out, cache")
            out = np.asarray(out, dtype=np.float64)
            if out.shape == expected_out.shape and np.allclose(out, expected_out, rtol=1e-6, atol=1e-8):
                return cache
        except (StudentException, AssertionError, ValueError, TypeError):
            pass
        return documented

    return get
