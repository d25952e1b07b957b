import numpy as np
import pytest

from grader.suite.diagnose import diagnose
from grader.tolerance import Tolerance


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


def test_known_variants_from_a_function_are_computed_only_for_a_wrong_answer(expected):
    calls = []

    def variants():
        calls.append(1)
        return {"used batch statistics in eval mode": expected + 1.0}

    assert diagnose(expected.copy(), expected, variants=variants).ok
    assert calls == []
    verdict = diagnose(expected + 1.0, expected, variants=variants)
    assert not verdict.ok and "batch statistics in eval mode" in verdict.message
    assert calls == [1]


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


# -- a diagnosis is named only when it is true: near misses are not claimed ---------------------

def test_a_variant_just_outside_the_tolerance_is_not_named(expected):
    wrong = expected + 1.0
    verdict = diagnose(wrong + 1e-4, expected, variants={"used batch statistics in eval mode": wrong})
    assert not verdict.ok and "known mistake" not in verdict.message and "wrong values" in verdict.message


def test_several_matching_variants_are_named_as_possibilities_only(expected):
    wrong = expected + 1.0
    verdict = diagnose(wrong, expected, variants={"epoch off by one": wrong, "ends swapped": wrong.copy(),
                                                  "eta_min ignored": expected - 1.0})
    assert "matches 2 known mistakes" in verdict.message
    assert "epoch off by one; or ends swapped" in verdict.message and "eta_min" not in verdict.message


def test_too_many_matching_variants_name_none(expected):
    wrong = expected + 1.0
    verdict = diagnose(wrong, expected, variants={f"mistake {k}": wrong for k in range(4)})
    assert "mistake" not in verdict.message and "wrong values" in verdict.message


def test_a_variant_of_another_shape_or_none_is_skipped(expected):
    verdict = diagnose(expected + 1.0, expected, variants={"transposed": (expected + 1.0).T, "not here": None})
    assert "known mistake" not in verdict.message


def test_a_lone_scalar_gets_no_constant_factor():
    verdict = diagnose(0.04198 * 2.5, 2.5, name="loss")
    assert "factor" not in verdict.message and "times" not in verdict.message
    assert verdict.message == "loss: wrong value: got 0.10495, expected 2.5"


def test_an_array_with_one_nonzero_entry_gets_no_constant_factor():
    expected = np.array([0.0, 0.0, 3.0])
    verdict = diagnose(2.0 * expected, expected)
    assert "times" not in verdict.message and "factor" not in verdict.message


def test_a_factor_that_misses_one_entry_is_not_claimed(expected):
    got = 0.37 * expected
    got[1, 2] += 1e-3
    verdict = diagnose(got, expected)
    assert "factor" not in verdict.message and "wrong values" in verdict.message


def test_a_factor_close_to_1_is_printed_with_the_digits_that_show_it(expected):
    verdict = diagnose(1.000004 * expected, expected)
    assert "constant factor of 1.000004" in verdict.message


def test_a_factor_close_to_an_integer_is_not_rounded_to_it(expected):
    verdict = diagnose(2.0004 * expected, expected)
    assert "2 times" not in verdict.message and "constant factor of 2.0004" in verdict.message


def test_all_zeros_only_when_every_entry_is_zero(expected):
    assert "is all zeros" in diagnose(np.zeros_like(expected), expected).message
    almost = np.zeros_like(expected)
    almost[0, 0] = 1e-9  # within atol of c * expected for c = 0, but not zero
    assert "all zeros" not in diagnose(almost, expected).message


def test_float32_fails_even_within_the_tolerance(expected):
    verdict = diagnose(expected.astype(np.float32), expected, tolerance=Tolerance(rtol=1e-3))
    assert not verdict.ok and "float32" in verdict.message and "float64 outputs" in verdict.message
    assert diagnose(expected.astype(np.float32), expected.astype(np.float32)).ok  # float32 in, float32 out
    assert diagnose(np.arange(3, dtype=np.int32), np.arange(3)).ok  # integers: any width


# -- where the wrong entries are, when that is narrower than "here and there" ------------------

def test_wrong_entries_at_the_last_time_step_are_located(rng):
    expected = rng.standard_normal((3, 5, 4))  # (N, T, H)
    got = expected.copy()
    got[:, -1] += 1.0
    assert "every wrong entry lies at the last of axis 1 (size 5)" in diagnose(got, expected).message


def test_one_wrong_row_is_located(rng):
    expected = rng.standard_normal((6, 3))
    got = expected.copy()
    got[2, 0] += 1.0
    got[2, 2] -= 1.0
    message = diagnose(got, expected).message
    assert "every wrong entry lies at index 2 of axis 0 (size 6)" in message


def test_border_pixels_are_located(rng):
    expected = rng.standard_normal((2, 3, 5, 5))
    got = expected.copy()
    got[:, :, 0, :] += 1.0
    got[:, :, :, -1] += 1.0
    assert "only border pixels" in diagnose(got, expected).message


def test_no_location_is_claimed_when_errors_are_spread(rng):
    expected = rng.standard_normal((4, 4))
    got = expected + np.eye(4)  # one wrong entry in every row and every column
    message = diagnose(got, expected).message
    assert "lies at" not in message and "border" not in message
    everything = diagnose(expected + 1.0, expected).message
    assert "lies at" not in everything and "border" not in everything


def test_border_is_not_claimed_when_one_interior_pixel_is_wrong_too(rng):
    expected = rng.standard_normal((2, 3, 5, 5))
    got = expected.copy()
    got[:, :, 0, :] += 1.0
    got[1, 2, 2, 2] += 1e-3  # one interior pixel, just outside the tolerance
    assert "border" not in diagnose(got, expected).message


def test_a_named_region_that_holds_every_wrong_entry_is_named(rng):
    logits_grad = rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    true_class = np.arange(4) == labels[:, None]
    got = logits_grad + 0.5 * true_class  # the one-hot part wrong, every other entry right
    regions = {"the entries of all-positive columns": np.zeros((1, 4), dtype=bool),
               "the true class of each row": true_class}
    message = diagnose(got, logits_grad, regions=regions).message
    assert message.endswith("; every wrong entry lies in the true class of each row (every other entry is right)")


def test_a_region_is_not_claimed_when_one_wrong_entry_lies_outside_it(rng):
    expected = rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    true_class = np.arange(4) == labels[:, None]
    got = expected + 0.5 * true_class
    got[0, 1] += 2e-6  # outside the region, just outside the tolerance
    message = diagnose(got, expected, regions={"the true class of each row": true_class}).message
    assert "true class" not in message


def test_a_region_covering_everything_or_of_another_shape_claims_nothing(rng):
    expected = rng.standard_normal((3, 4))
    got = expected + 1.0
    regions = {"everything": np.ones((3, 4), dtype=bool), "a wrong shape": np.zeros((5, 5), dtype=bool)}
    message = diagnose(got, expected, regions=regions).message
    assert "lies in" not in message
