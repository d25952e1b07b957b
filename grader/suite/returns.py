"""What hidden tests ask of a function that returns several things: one rule for every suite.

    out, cache = returned(student.layernorm_forward(x, gamma, beta), "layernorm_forward", "out, cache")

A tuple of the right length passes, and so does a list (``return [out, cache]`` unpacks the
same way, and a student should not lose points over the brackets in one assignment when
another accepts them). Anything else fails the test with what was expected and what came back:
``layernorm_backward should return a tuple (dx, dgamma, dbeta); got tuple of 2 items``.
"""

from __future__ import annotations

from grader.suite.plugin import GradeFailure


def returned(result, function: str, parts: str) -> tuple:
    """``result`` as a tuple of the comma-separated ``parts``, or a GradeFailure saying why not."""
    count = len(parts.split(","))
    if isinstance(result, (tuple, list)) and len(result) == count:
        return tuple(result)
    got = type(result).__name__ + (f" of {len(result)} items" if isinstance(result, (tuple, list)) else "")
    raise GradeFailure(f"{function} should return a tuple ({parts}); got {got}", f"did not return ({parts})")
