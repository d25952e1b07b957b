"""Hidden tests: softmax_forward and softmax_backward (softmax along a chosen axis).

Forward: several shapes and axes (first, middle, last, negative), entries of 1000 (an unshifted
exp overflows), a slice of length 1. Backward: the student's own cache when their forward is
right, otherwise the documented (out, axis). float64 and purity: test_purity.py.
"""

import numpy as np
import pytest


# (shape, axis)
CASES = [((4, 5), -1), ((4, 5), 0), ((2, 3, 4), 1), ((3, 2, 6), -1), ((2, 3, 5), 0)]
IDS = ["2d-last", "2d-axis0", "3d-axis1", "3d-last", "3d-axis0"]
# (shape, an axis of length 1, the other axis): a softmax over one entry is 1 whatever it is
LENGTH_ONE = [((3, 1), 1, 0), ((1, 7), -2, -1)]
LENGTH_ONE_IDS = ["slice of 1", "axis -2"]


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def forward_variants(x, axis):
    last = -1 if axis not in (-1, x.ndim - 1) else 0
    return {
        f"normalised along axis {last}, not along axis={axis}: use the axis argument in every sum and max":
            softmax(x, last),
        "normalised over the whole array (no axis in the sum): each slice along the axis must sum to 1":
            np.exp(x - x.max()) / np.exp(x - x.max()).sum(),
    }


@pytest.mark.task09_softmax_forward
@pytest.mark.parametrize("shape,axis", CASES, ids=IDS)
def test_values(student, pair, ref, rng, expect, shape, axis):
    """softmax along the given axis"""
    x = 2.0 * rng.standard_normal(shape)
    out, _ = pair(student.softmax_forward(x, axis=axis), "softmax_forward")
    expect(out, ref.softmax_forward(x, axis=axis)[0], name="out", variants=forward_variants(x, axis))


@pytest.mark.task09_softmax_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape,axis,other", LENGTH_ONE, ids=LENGTH_ONE_IDS)
def test_axis_of_length_one(student, pair, ref, rng, expect, shape, axis, other):
    """along an axis of length 1 every output is 1; along the other axis of the same x, the values"""
    x = 2.0 * rng.standard_normal(shape)
    out, _ = pair(student.softmax_forward(x, axis=axis), "softmax_forward")
    expect(out, ref.softmax_forward(x, axis=axis)[0], name=f"out along axis {axis} (length 1)",
           variants=forward_variants(x, axis))
    out, _ = pair(student.softmax_forward(x, axis=other), "softmax_forward")
    expect(out, ref.softmax_forward(x, axis=other)[0], name=f"out along axis {other}",
           variants=forward_variants(x, other))


@pytest.mark.task09_softmax_forward
def test_default_axis_is_last(student, pair, ref, rng, expect):
    """without axis=, the softmax runs along the last axis"""
    x = rng.standard_normal((3, 4, 5))
    out, _ = pair(student.softmax_forward(x), "softmax_forward")
    expect(out, ref.softmax_forward(x)[0], name="out", variants=forward_variants(x, -1))


@pytest.mark.task09_softmax_forward
@pytest.mark.parametrize("axis", [0, -1])
def test_large_scores(student, pair, ref, rng, expect, axis):
    """scores of +-1000: the max shift keeps np.exp from overflowing"""
    x = rng.standard_normal((4, 4))
    x[1, :] = [1000.0, 999.0, -1000.0, 0.0]
    x[:, 2] = [1000.0, 998.0, -1000.0, 1000.0]
    out, _ = pair(student.softmax_forward(x, axis=axis), "softmax_forward")
    expect(out, ref.softmax_forward(x, axis=axis)[0], name="out for scores of 1000")


# -- backward -------------------------------------------------------------------------------


def backward_variants(x, axis, dout):
    s = softmax(x, axis)
    last = -1 if axis not in (-1, x.ndim - 1) else 0
    return {
        "dx = s * (1 - s) * dout: each output depends on every input of its slice; "
        "dx = s * (dout - sum(dout * s)) along the axis": s * (1.0 - s) * dout,
        f"the sum of dout * s runs along axis {last}, not along the softmax's axis":
            s * (dout - (dout * s).sum(axis=last, keepdims=True)),
        "dx = s * dout: the - sum(dout * s) term is missing": s * dout,
    }


@pytest.mark.task09_softmax_backward
@pytest.mark.parametrize("shape,axis", CASES[:5], ids=IDS[:5])
def test_backward(student, ref, rng, expect, own_cache, shape, axis):
    """dx from your own forward cache"""
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(shape)
    dx = student.softmax_backward(dout, own_cache("softmax_forward", x, axis=axis))
    expected = ref.softmax_backward(dout, ref.softmax_forward(x, axis=axis)[1])
    expect(dx, expected, name="dx", kind="gradients", variants=backward_variants(x, axis, dout))


@pytest.mark.task09_softmax_backward
@pytest.mark.contract("domain_edge")
def test_backward_constant_upstream_is_zero(student, ref, rng, expect, own_cache):
    """an upstream gradient that is constant along the axis gives dx = 0 (the outputs sum to 1);
    a varying one on the same cache does not"""
    x = rng.standard_normal((3, 5))
    dout = np.tile(rng.standard_normal((3, 1)), (1, 5))
    cache = own_cache("softmax_forward", x, axis=-1)
    dx = student.softmax_backward(dout, cache)
    expect(dx, np.zeros((3, 5)), name="dx for a constant dout", kind="gradients",
           variants={"dx = s * (1 - s) * dout is the sigmoid's derivative, not the softmax's":
                     softmax(x, -1) * (1 - softmax(x, -1)) * dout})
    varying = rng.standard_normal((3, 5))
    expect(student.softmax_backward(varying, cache), ref.softmax_backward(varying, ref.softmax_forward(x, axis=-1)[1]),
           name="dx for a varying dout", kind="gradients", variants=backward_variants(x, -1, varying))

