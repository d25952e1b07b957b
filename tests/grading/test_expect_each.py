"""expect_each names every wrong output and the right ones, and never a mistake it did not see."""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.plugin import GradeFailure, make_expect

expect = make_expect({})


def test_all_right_passes(rng):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 2))
    expect_each(expect, [("dx", a.copy(), a, {}), ("dw", b.copy(), b, {"kind": "gradients"})])


def test_one_wrong_output_keeps_its_verdict_and_names_the_right_ones(rng):
    a, b, c = rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(2)
    with pytest.raises(GradeFailure) as caught:
        expect_each(expect, [("dx", a, a, {}), ("dw", -b, b, {}), ("db", c, c, {})])
    assert str(caught.value) == "dw has the wrong sign everywhere (x -1) (dx and db are right)"
    assert caught.value.mistake == "wrong sign everywhere"


def test_several_wrong_outputs_are_all_named_and_a_mistake_only_when_shared(rng):
    a, b, c = rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(2)
    with pytest.raises(GradeFailure) as caught:
        expect_each(expect, [("dx", -a, a, {}), ("dw", 2 * b, b, {}), ("db", c, c, {})])
    message = str(caught.value)
    assert message.startswith("dx has the wrong sign everywhere (x -1); dw is 2 times too large")
    assert message.endswith("(db is right)")
    assert caught.value.mistake == ""
    with pytest.raises(GradeFailure) as caught:
        expect_each(expect, [("dx", -a, a, {}), ("dw", -b, b, {})])
    assert caught.value.mistake == "wrong sign everywhere" and "right" not in str(caught.value)


def test_a_near_miss_within_the_tolerance_is_right(rng):
    a = rng.standard_normal(5)
    with pytest.raises(GradeFailure) as caught:
        expect_each(expect, [("dx", a * (1 + 1e-9), a, {}), ("dw", a + 1.0, a, {})])
    assert str(caught.value).endswith("(dx is right)")
