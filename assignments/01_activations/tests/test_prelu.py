"""Hidden tests of prelu_forward and prelu_backward.

alpha is one slope of shape () or one per channel of shape (C,), the channel being axis 1 of x.
The per-channel cases include inputs whose last axis also has size C, where broadcasting alpha
against the last axis runs without an error but is wrong. The backward gets the cache of the
student's own forward (the documented layout (x, alpha) only when that forward raises), and dx
and dalpha are scored by separate tests. dalpha must have alpha's shape.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.worker.errors import StudentError

# (x's shape, alpha's shape): 1-D, 2-D and 4-D with a batch of 1 with one slope; (N, C),
# (N, C, L), (N, C, H, W) and a batch of 1 with one slope per channel, the last two with W == C.
CASES = [((7,), ()), ((3, 4), ()), ((1, 2, 4, 5), ()),
         ((4, 3), (3,)), ((2, 3, 5), (3,)), ((2, 3, 4, 3), (3,)), ((1, 2, 3, 2), (2,))]
IDS = ["x".join(map(str, xs)) + ("-alpha" + "x".join(map(str, a)) if a else "-scalar") for xs, a in CASES]
OUTPUTS = ["dx", "dalpha"]
LAST_AXIS = ("alpha broadcast along the last axis of x instead of the channel axis 1: reshape alpha "
             "to (1, C, 1, ...)")


def slopes(alpha, ndim):
    """alpha shaped to broadcast along axis 1 of an ndim-array."""
    return alpha.reshape((1, -1) + (1,) * (ndim - 2)) if alpha.ndim == 1 else alpha


def channel_sum(values, alpha):
    """Sum over every axis but 1 (per-channel alpha) or over everything (one alpha)."""
    if alpha.ndim == 1:
        return values.sum(axis=tuple(i for i in range(values.ndim) if i != 1))
    return np.array(values.sum())


def last_axis_applies(x, alpha):
    return alpha.ndim == 1 and x.ndim > 2 and x.shape[-1] == alpha.shape[0]


def forward_mistakes(x, alpha):
    a = slopes(alpha, x.ndim)
    found = {"alpha multiplies the positive side instead of the negative side": np.where(x > 0, a * x, x),
             "np.maximum(x, alpha x) equals prelu only for slopes 0 <= alpha <= 1, and a learned slope can "
             "be anything: use np.where(x > 0, x, alpha x)": np.maximum(x, a * x)}
    if last_axis_applies(x, alpha):
        found[LAST_AXIS] = np.where(x > 0, x, alpha * x)
    return found


def backward_mistakes(x, alpha, dout):
    a = slopes(alpha, x.ndim)
    dx = {"slope 1 at x = 0 (x >= 0): the slope at exactly 0 is alpha, use x > 0 for the slope 1":
              dout * np.where(x >= 0, 1.0, a),
          "the two slopes are swapped: 1 for x > 0, alpha for x <= 0": dout * np.where(x > 0, a, 1.0)}
    negative = dout * np.where(x > 0, 0.0, x)
    count = x.size / alpha.size
    dalpha = {"dalpha summed over the entries with x > 0 too: only entries with x <= 0 depend on alpha":
                  channel_sum(dout * x, alpha),
              "dalpha summed over the entries with x > 0 instead of x <= 0": channel_sum(dout * x * (x > 0), alpha),
              "dalpha averaged instead of summed: a shared slope's gradient is the sum over every entry it "
              "multiplies": channel_sum(negative, alpha) / count if count > 1 else None,
              "dalpha = sum of dout * alpha instead of dout * x": channel_sum(dout * np.where(x > 0, 0.0, a), alpha)}
    if last_axis_applies(x, alpha):
        dx[LAST_AXIS] = dout * np.where(x > 0, 1.0, alpha)
        dalpha[LAST_AXIS.replace("reshape alpha to (1, C, 1, ...)", "sum over every axis but 1")] = (
            negative.sum(axis=tuple(range(x.ndim - 1))))
    return {"dx": dx, "dalpha": {k: v for k, v in dalpha.items() if v is not None}}


def problem(rng, x_shape, alpha_shape):
    """x, and slopes in [0.05, 0.5] of shape () or (C,)."""
    x = 3.0 * rng.standard_normal(x_shape)
    alpha = np.asarray(rng.uniform(0.05, 0.5, alpha_shape), dtype=np.float64)
    return x, alpha


def check_forward(student, pair, ref, expect, x, alpha, what="out"):
    out, _ = pair(student.prelu_forward(x, alpha), "prelu_forward")
    expect(out, ref.prelu_forward(x, alpha)[0], name=what, variants=forward_mistakes(x, alpha))


def check_backward(student, pair, ref, rng, expect, x, alpha, output, what=""):
    dout = rng.standard_normal(x.shape)
    try:
        _, cache = pair(student.prelu_forward(x, alpha), "prelu_forward")
    except (StudentError, AssertionError):
        cache = (x, alpha)
    grads = pair(student.prelu_backward(dout, cache), "prelu_backward")
    expected = ref.prelu_backward(dout, ref.prelu_forward(x, alpha)[1])
    index = OUTPUTS.index(output)
    got = grads[index]
    if output == "dalpha" and np.shape(got) != alpha.shape:
        raise AssertionError(
            f"dalpha{what}: wrong shape: got {np.shape(got)}, expected alpha's shape {alpha.shape}. A parameter's "
            f"gradient has the parameter's shape: sum dout * x (where x <= 0) over "
            + ("every axis but the channel axis 1" if alpha.ndim else "every entry (the batch too)"))
    expect(got, expected[index], name=output + what, kind="gradients",
           variants=backward_mistakes(x, alpha, dout)[output])


def check_contract(student, pair, ref, expect, x, alpha):
    out, _ = pair(student.prelu_forward(x, alpha), "prelu_forward")
    assert isinstance(out, np.ndarray), f"out should be a NumPy array; got {type(out).__name__}"
    assert out.shape == x.shape, f"out should have x's shape {x.shape}; got {out.shape}"
    assert out.dtype == np.float64, f"a float64 x should give a float64 out; got dtype {out.dtype}"
    # The same weight group checks the values: a constant of the right type earns nothing here.
    expect(out, ref.prelu_forward(x, alpha)[0], name="out")


# -- forward -----------------------------------------------------------------------------------

@pytest.mark.task01_prelu_forward
@pytest.mark.parametrize("x_shape,alpha_shape", CASES, ids=IDS)
def test_prelu_forward_values(student, pair, ref, rng, expect, x_shape, alpha_shape):
    """out on random inputs, one slope or one per channel (axis 1)"""
    check_forward(student, pair, ref, expect, *problem(rng, x_shape, alpha_shape))


@pytest.mark.task01_prelu_forward
def test_prelu_forward_any_slope(student, pair, ref, rng, expect):
    """out with learned slopes of any sign and size (alpha in [-0.5, 1.5])"""
    x = 3.0 * rng.standard_normal((3, 4, 2))
    # one negative slope, one in (0, 1), one above 1 (where np.maximum(x, alpha x) breaks), one anywhere
    alpha = np.array([rng.uniform(-0.5, -0.1), rng.uniform(0.1, 0.9), rng.uniform(1.1, 1.5), rng.uniform(-0.5, 1.5)])
    check_forward(student, pair, ref, expect, x, alpha, "out with slopes in [-0.5, 1.5]")


@pytest.mark.task01_prelu_forward
@pytest.mark.contract("domain_edge")
def test_prelu_forward_zeros_and_large_inputs(student, pair, ref, rng, expect):
    """out at exactly 0 and for |x| up to 1000"""
    x, alpha = problem(rng, (2, 3, 4), (3,))
    x.flat[rng.choice(x.size, 8, replace=False)] = [0.0, 0.0, 0.0, 0.0, 1000.0, -1000.0, 750.0, -750.0]
    check_forward(student, pair, ref, expect, x, alpha, "out at x = 0 and |x| up to 1000")


@pytest.mark.task01_prelu_forward
@pytest.mark.weight(0.5)
def test_prelu_forward_contract(student, pair, ref, rng, expect):
    """Returns a pair (out, cache) with out a float64 array of x's shape, and the right values"""
    check_contract(student, pair, ref, expect, *problem(rng, (2, 3, 2), (3,)))


# -- backward ----------------------------------------------------------------------------------

@pytest.mark.task01_prelu_backward
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("x_shape,alpha_shape", CASES, ids=IDS)
def test_prelu_backward(student, pair, ref, rng, expect, x_shape, alpha_shape, output):
    """One gradient of prelu on random inputs, given the cache of your own forward"""
    check_backward(student, pair, ref, rng, expect, *problem(rng, x_shape, alpha_shape), output)


@pytest.mark.task01_prelu_backward
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("alpha_shape", [(), (3,)], ids=["scalar", "per-channel"])
@pytest.mark.contract("domain_edge")
def test_prelu_backward_around_zero(student, pair, ref, rng, expect, alpha_shape, output):
    """One gradient of prelu at exactly 0 (slope alpha there) and for |x| up to 1000"""
    x, alpha = problem(rng, (2, 3, 4), alpha_shape)
    x.flat[rng.choice(x.size, 8, replace=False)] = [0.0, 0.0, 0.0, 0.0, 1000.0, -1000.0, 750.0, -750.0]
    check_backward(student, pair, ref, rng, expect, x, alpha, output, " at x = 0 and |x| up to 1000")
