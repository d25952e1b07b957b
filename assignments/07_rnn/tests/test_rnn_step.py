"""Hidden tests: rnn_step_forward and rnn_step_backward (one vanilla tanh RNN step)."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# (N, D, H): a batch of 1, sizes of 1, D == H (where dwh computed from x has the right shape)
SHAPES = [(1, 3, 4), (4, 5, 3), (3, 6, 6), (1, 1, 1), (2, 2, 7)]
SHAPE_IDS = ["N=1", "N=4,D>H", "D=H", "sizes 1", "N=2,D<H"]
GRADIENTS = ["dx", "dh_prev", "dwx", "dwh", "db"]


def step_inputs(rng, n, d, h, *, scale=1.0):
    x = rng.standard_normal((n, d)) * scale
    h_prev = rng.uniform(-0.9, 0.9, (n, h))  # a previous state is a tanh output
    wx = rng.standard_normal((d, h)) / np.sqrt(d)
    wh = rng.standard_normal((h, h)) / np.sqrt(h)
    b = 0.2 * rng.standard_normal(h)
    return x, h_prev, wx, wh, b


def forward_variants(x, h_prev, wx, wh, b):
    z = x @ wx + h_prev @ wh + b
    return {
        "used h_prev @ wh.T: wh is (inputs, outputs), so the product is h_prev @ wh": np.tanh(x @ wx + h_prev @ wh.T + b),
        "the bias b is missing": np.tanh(x @ wx + h_prev @ wh),
        "used a sigmoid instead of tanh": 1.0 / (1.0 + np.exp(-z)),
        "returned the pre-activation z: the tanh is missing": z,
    }


def backward_variants(dh_next, x, h_prev, wx, wh, h_next):
    def grads(dz):
        return {"dx": dz @ wx.T, "dh_prev": dz @ wh.T, "dwx": x.T @ dz, "dwh": h_prev.T @ dz, "db": dz.sum(axis=0)}

    dz = dh_next * (1.0 - h_next ** 2)
    wrong_slope = grads(dh_next * (1.0 - h_next))
    return {
        "dx": {"used 1 - h instead of 1 - h**2 as the derivative of tanh": wrong_slope["dx"],
               **({"multiplied by wx instead of wx.T": dz @ wx} if wx.shape[0] == wx.shape[1] else {})},
        "dh_prev": {"used 1 - h instead of 1 - h**2 as the derivative of tanh": wrong_slope["dh_prev"],
                    "multiplied by wh instead of wh.T": dz @ wh},
        "dwx": {"used 1 - h instead of 1 - h**2 as the derivative of tanh": wrong_slope["dwx"]},
        "dwh": {"used 1 - h instead of 1 - h**2 as the derivative of tanh": wrong_slope["dwh"],
                "dwh computed from x instead of h_prev (wh multiplies h_prev)": x.T @ dz,
                "dwh transposed: it is h_prev.T @ dz": dz.T @ h_prev},
        "db": {"used 1 - h instead of 1 - h**2 as the derivative of tanh": wrong_slope["db"]},
    }


@pytest.mark.task07_rnn_step_forward
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_forward_values(student, ref, rng, expect, shape):
    """h_next on random inputs"""
    args = step_inputs(rng, *shape)
    h_next, _ = returned(student.rnn_step_forward(*args), "rnn_step_forward", "h_next, cache")
    expect(h_next, ref.rnn_step_forward(*args)[0], name="h_next", variants=forward_variants(*args))


@pytest.mark.task07_rnn_step_forward
@pytest.mark.contract("domain_edge")
def test_forward_large_inputs(student, ref, rng, expect):
    """h_next for large inputs (tanh saturates; exponentials overflow)"""
    args = step_inputs(rng, 3, 4, 5, scale=1000.0)
    h_next, _ = returned(student.rnn_step_forward(*args), "rnn_step_forward", "h_next, cache")
    expect(h_next, ref.rnn_step_forward(*args)[0], name="h_next")


@pytest.mark.task07_rnn_step_forward
@pytest.mark.weight(0.5)
def test_forward_keeps_float64(student, ref, rng, expect):
    """float64 inputs give a float64 h_next (with the right values)"""
    args = step_inputs(rng, 2, 3, 4)
    h_next, _ = returned(student.rnn_step_forward(*args), "rnn_step_forward", "h_next, cache")
    dtype = np.asarray(h_next).dtype
    if dtype != np.float64:
        raise GradeFailure(f"h_next has dtype {dtype} for float64 inputs; keep float64")
    # The same weight group checks the values: a constant of the right dtype earns nothing here.
    expect(h_next, ref.rnn_step_forward(*args)[0], name="h_next")


def _backward(student, ref, rng, expect, shape, gradient, *, scale=1.0):
    args = step_inputs(rng, *shape, scale=scale)
    h_next, cache = returned(student.rnn_step_forward(*args), "rnn_step_forward", "h_next, cache")
    expected_h, _ = ref.rnn_step_forward(*args)
    if np.shape(h_next) != expected_h.shape or not np.allclose(h_next, expected_h, rtol=1e-6, atol=1e-8):
        raise GradeFailure("cannot check rnn_step_backward: your rnn_step_forward gives wrong values "
                           "(its cache feeds the backward); fix rnn_step_forward first")
    dh_next = rng.standard_normal(expected_h.shape)
    got = returned(student.rnn_step_backward(dh_next, cache), "rnn_step_backward", "dx, dh_prev, dwx, dwh, db")
    expected = ref.rnn_step_backward(dh_next, ref.rnn_step_forward(*args)[1])
    x, h_prev, wx, wh, _ = args
    variants = backward_variants(dh_next, x, h_prev, wx, wh, expected_h)[gradient]
    index = GRADIENTS.index(gradient)
    expect(got[index], expected[index], name=gradient, kind="gradients", variants=variants)


@pytest.mark.task07_rnn_step_backward
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("shape", SHAPES[:3], ids=SHAPE_IDS[:3])
def test_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of the step, with your forward's cache"""
    _backward(student, ref, rng, expect, shape, gradient)


@pytest.mark.task07_rnn_step_backward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.contract("domain_edge")
def test_backward_saturated(student, ref, rng, expect, gradient):
    """gradients when some units saturate (large inputs)"""
    _backward(student, ref, rng, expect, (3, 4, 5), gradient, scale=30.0)
