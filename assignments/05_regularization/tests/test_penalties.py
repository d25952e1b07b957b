"""Hidden tests of l1_penalty and l2_penalty: (penalty, dw), each output scored by its own test.

Weights of several shapes (a scalar-like (1,), a matrix, a conv-like 4-D array) with exact
zeros mixed in (sign(0) = 0 for L1) and negatives; lam of several sizes, and lam = 0.
"""

import numpy as np
import pytest

from grader.suite.returns import returned

SHAPES = [(1,), (7,), (3, 4), (5, 1), (2, 3, 2, 2)]
IDS = ["1", "7", "3x4", "5x1", "2x3x2x2"]


def weights(rng, shape, zeros=True):
    w = rng.standard_normal(shape) * rng.choice([0.1, 1.0, 10.0])
    if zeros and w.size > 1:
        w.flat[rng.choice(w.size, size=max(1, w.size // 4), replace=False)] = 0.0
    return w


def penalty_pair(result, name):
    return returned(result, name, "penalty, dw")


def lam_for(rng):
    return float(rng.choice([1e-4, 0.01, 0.3, 2.5]))


def check_both_outputs(student, ref, rng, expect, name):
    """(penalty, dw) on random weights and lam = 0.3: pairs a test whose answer is all zeros, so
    that a function returning zeros earns nothing from it."""
    w = weights(rng, (3, 4))
    got = penalty_pair(getattr(student, name)(w, 0.3), name)
    expected = getattr(ref, name)(w, 0.3)
    expect(got[0], expected[0], name="penalty for lam = 0.3")
    expect(got[1], expected[1], name="dw for lam = 0.3", kind="gradients")


# -- L2 --------------------------------------------------------------------------------------


@pytest.mark.task05_l2_penalty
@pytest.mark.parametrize("output", ["penalty", "dw"])
@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_l2_penalty(student, ref, rng, expect, shape, output):
    """The L2 penalty (lam/2) sum w^2 and its gradient lam w"""
    w, lam = weights(rng, shape), lam_for(rng)
    got = penalty_pair(student.l2_penalty(w, lam), "l2_penalty")
    expected = ref.l2_penalty(w, lam)
    if output == "penalty":
        variants = {
            "the penalty is lam * sum(w^2), without the 1/2 of the course's convention (lam/2) sum(w^2)":
                lam * np.sum(w * w),
            "the penalty is lam * ||w|| (the norm, not half its square)": lam * np.sqrt(np.sum(w * w)),
            "the penalty averages w^2 instead of summing it": 0.5 * lam * np.mean(w * w) if w.size > 1 else None,
        }
        expect(got[0], expected[0], name="penalty", variants={k: v for k, v in variants.items() if v is not None})
    else:
        variants = {
            "dw = 2 lam w: the gradient of lam sum(w^2), but the penalty is (lam/2) sum(w^2), whose "
            "gradient is lam w (the 1/2 convention)": 2 * lam * w,
            "dw = w, without lam": w if lam != 1 else None,
        }
        expect(got[1], expected[1], name="dw", kind="gradients",
               variants={k: v for k, v in variants.items() if v is not None})


@pytest.mark.task05_l2_penalty
@pytest.mark.contract("domain_edge")
def test_l2_penalty_is_a_float_and_lam_zero(student, ref, rng, expect):
    """lam = 0 gives a zero penalty and a zero gradient; the penalty is a single number"""
    w = weights(rng, (3, 5), zeros=False)
    value, dw = penalty_pair(student.l2_penalty(w, 0.0), "l2_penalty")
    assert np.ndim(value) == 0, f"the penalty should be a single number (a float), got an array of shape {np.shape(value)}"
    expect(value, 0.0, name="penalty for lam = 0")
    expect(dw, np.zeros_like(w), name="dw for lam = 0", kind="gradients")
    check_both_outputs(student, ref, rng, expect, "l2_penalty")


@pytest.mark.task05_l2_penalty
def test_l2_step_is_weight_decay(student, rng, expect):
    """w - lr * dw equals (1 - lr lam) w: the L2 step is weight decay"""
    w, lam, lr = weights(rng, (4, 3), zeros=False), 0.05, 0.1
    _, dw = penalty_pair(student.l2_penalty(w, lam), "l2_penalty")
    expect(w - lr * np.asarray(dw), (1 - lr * lam) * w, name="w - lr * dw (should be (1 - lr lam) w)",
           variants={"the step is (1 - 2 lr lam) w: dw = 2 lam w does not match the (lam/2) sum(w^2) convention":
                     (1 - 2 * lr * lam) * w})


# -- L1 --------------------------------------------------------------------------------------


@pytest.mark.task05_l1_penalty
@pytest.mark.parametrize("output", ["penalty", "dw"])
@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_l1_penalty(student, ref, rng, expect, shape, output):
    """The L1 penalty lam sum |w| and its subgradient lam sign(w)"""
    w, lam = weights(rng, shape), lam_for(rng)
    got = penalty_pair(student.l1_penalty(w, lam), "l1_penalty")
    expected = ref.l1_penalty(w, lam)
    if output == "penalty":
        variants = {
            "the penalty sums w, not |w|": lam * np.sum(w),
            "the penalty has a factor 1/2 (that is the L2 convention, not L1's)": 0.5 * lam * np.sum(np.abs(w)),
            "the penalty averages |w| instead of summing it": lam * np.mean(np.abs(w)) if w.size > 1 else None,
        }
        expect(got[0], expected[0], name="penalty", variants={k: v for k, v in variants.items() if v is not None})
    else:
        variants = {
            "dw = lam everywhere: the gradient of |w| is sign(w), negative for negative weights":
                np.full(w.shape, lam),
            "dw = lam |w|: the gradient of |w| is sign(w), not |w|": lam * np.abs(w),
            "dw = lam w: that is the L2 gradient; the gradient of |w| is sign(w)": lam * w,
            "dw is +lam at w = 0: sign(0) should be 0 (np.sign), not +1": lam * np.where(w >= 0, 1.0, -1.0),
            "dw is -lam at w = 0: sign(0) should be 0 (np.sign), not -1": lam * np.where(w > 0, 1.0, -1.0),
        }
        expect(got[1], expected[1], name="dw", kind="gradients", variants=variants)


@pytest.mark.task05_l1_penalty
@pytest.mark.contract("domain_edge")
def test_l1_penalty_is_a_float_and_lam_zero(student, ref, rng, expect):
    """lam = 0 gives a zero penalty and a zero gradient; the penalty is a single number"""
    w = weights(rng, (3, 5))
    value, dw = penalty_pair(student.l1_penalty(w, 0.0), "l1_penalty")
    assert np.ndim(value) == 0, f"the penalty should be a single number (a float), got an array of shape {np.shape(value)}"
    expect(value, 0.0, name="penalty for lam = 0")
    expect(dw, np.zeros_like(w), name="dw for lam = 0", kind="gradients")
    check_both_outputs(student, ref, rng, expect, "l1_penalty")


@pytest.mark.task05_l1_penalty
@pytest.mark.contract("domain_edge")
def test_l1_gradient_at_zero_weights(student, ref, rng, expect):
    """An all-zero weight array: penalty 0 and subgradient 0 (sign(0) = 0)"""
    value, dw = penalty_pair(student.l1_penalty(np.zeros((2, 3)), 0.5), "l1_penalty")
    expect(value, 0.0, name="penalty of zero weights")
    expect(dw, np.zeros((2, 3)), name="dw at w = 0", kind="gradients", variants={
        "dw is +lam at w = 0: sign(0) should be 0 (np.sign), not +1": np.full((2, 3), 0.5),
        "dw is -lam at w = 0: sign(0) should be 0 (np.sign), not -1": np.full((2, 3), -0.5)})
    check_both_outputs(student, ref, rng, expect, "l1_penalty")
