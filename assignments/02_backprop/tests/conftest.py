"""Shared fixture of the 02_backprop hidden suite.

    pair(result, name) -> (out, cache)
        what the student's function ``name`` returned, as a tuple of two (a list of two will
        do), or a GradeFailure saying what came back instead.

A fixture, because the suite runs with --import-mode=importlib: test modules cannot import
from each other or from this file.
"""

from __future__ import annotations

import pytest

from grader.suite.returns import returned


@pytest.fixture
def pair():
    def as_pair(result, name: str) -> tuple:
        return returned(result, name, "out, cache")

    return as_pair
