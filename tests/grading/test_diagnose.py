import numpy as np
import pytest

from grader.diagnose import Tolerance, diagnose


@pytest.fixture
def expected(rng):
    return rng.standard_normal((4, 3))


def test_match(expected):
    verdict = diagnose(expected + 1e-12, expected, name="dx")
    assert verdict.ok and "matches" in verdict.message


def test_none_tuple_and_strings_are_named():
    assert "return" in diagnose(None, np.ones(2)).message
    assert "tuple of 2" in diagnose((np.ones(2), None), np.ones(2)).message
    assert "str" in diagnose("hi", np.ones(2)).message


def test_list_of_numbers_is_accepted(expected):
    assert diagnose(expected.tolist(), expected).ok


def test_transposed(expected):
    verdict = diagnose(expected.T, expected, name="dw")
    assert not verdict.ok and "transposed" in verdict.message and "(3, 4)" in verdict.message


def test_wrong_shape_same_size(expected):
    verdict = diagnose(expected.reshape(2, 6), expected)
    assert not verdict.ok and "laid out in the wrong shape" in verdict.message


def test_trailing_axis_hint():
    verdict = diagnose(np.ones((5, 1)), np.ones(5))
    assert "keepdims" in verdict.message


@pytest.mark.parametrize("factor, words", [(-1.0, "wrong sign"), (8.0, "8 times too large"),
                                           (1 / 8, "8 times too small"), (0.37, "constant factor of 0.37")])
def test_constant_factors(expected, factor, words):
    verdict = diagnose(factor * expected, expected, name="db")
    assert not verdict.ok and words in verdict.message


def test_nan_is_reported_with_position(expected):
    got = expected.copy()
    got[2, 1] = np.nan
    verdict = diagnose(got, expected)
    assert not verdict.ok and "NaN" in verdict.message and "[2, 1]" in verdict.message


def test_known_variant_named(expected):
    wrong = expected + 1.0
    verdict = diagnose(wrong, expected, variants={"used batch statistics in eval mode": wrong})
    assert not verdict.ok and "batch statistics in eval mode" in verdict.message


def test_worst_entry_location(expected):
    got = expected.copy()
    got[3, 0] += 0.5
    got[1, 1] += 0.1
    verdict = diagnose(got, expected)
    assert "max abs error 0.5 at [3, 0]" in verdict.message and "2 of 12" in verdict.message


def test_tolerance_is_respected(expected):
    got = expected * (1 + 1e-4)
    assert not diagnose(got, expected).ok
    assert diagnose(got, expected, tolerance=Tolerance(rtol=1e-3)).ok


def test_object_dtype_rejected():
    assert "dtype object" in diagnose(np.array([object()]), np.ones(1)).message


def test_worst_entry_shows_the_numbers():
    verdict = diagnose(np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    assert "got 2.5, expected 2" in verdict.message


@pytest.mark.parametrize("got, mistake", [
    (lambda e: e.T, "transposed"),
    (lambda e: e[:2], "wrong shape"),
    (lambda e: np.where(e > 0, np.inf, e), "NaN or inf (overflow)"),
    (lambda e: 4 * e, "4 times too large"),
    (lambda e: e / 8, "8 times too small"),
    (lambda e: -e, "wrong sign everywhere"),
    (lambda e: 0 * e, "all zeros"),
    (lambda e: 1.2345 * e, "off by a constant factor"),
    (lambda e: None, "not a numeric array"),
    (lambda e: e + 1, "added one"),
])
def test_a_recognised_mistake_has_a_name_without_the_students_numbers(expected, got, mistake):
    verdict = diagnose(got(expected), expected, name="dx", variants={"added one": expected + 1})
    assert not verdict.ok and verdict.mistake == mistake


def test_right_answers_and_unexplained_wrong_values_have_no_name(expected, rng):
    assert diagnose(expected, expected).mistake == ""
    verdict = diagnose(expected + rng.standard_normal(expected.shape), expected)
    assert not verdict.ok and "wrong values" in verdict.message and verdict.mistake == ""
