"""One rule for functions that return several things: a tuple or a list of the right length."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned


def test_a_tuple_or_a_list_of_the_right_length_passes_as_a_tuple():
    out, cache = np.ones(3), object()
    assert returned((out, cache), "f_forward", "out, cache") == (out, cache)
    assert returned([out, cache], "f_forward", "out, cache") == (out, cache)


@pytest.mark.parametrize("result,got", [
    ((1, 2), "tuple of 2 items"), ([1], "list of 1 items"), (np.ones(3), "ndarray"), (None, "NoneType"),
    ({"dx": 1, "dgamma": 2, "dbeta": 3}, "dict"),
])
def test_anything_else_fails_saying_what_was_expected_and_what_came(result, got):
    with pytest.raises(GradeFailure) as failure:
        returned(result, "layernorm_backward", "dx, dgamma, dbeta")
    assert str(failure.value) == f"layernorm_backward should return a tuple (dx, dgamma, dbeta); got {got}"
    assert failure.value.mistake == "did not return (dx, dgamma, dbeta)"  # one name for every student
