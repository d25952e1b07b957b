"""Hidden tests: rnn_forward (unrolled over time) and rnn_backward (BPTT)."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# (N, T, D, H)
SHAPES = [(1, 4, 3, 5), (3, 1, 2, 4), (2, 6, 4, 4), (4, 3, 5, 2), (1, 1, 1, 1)]
SHAPE_IDS = ["N=1", "T=1", "D=H", "N=4,H=2", "sizes 1"]
GRADIENTS = ["dx", "dh0", "dwx", "dwh", "db"]


def sequence_inputs(rng, n, t, d, h, *, scale=1.0):
    x = rng.standard_normal((n, t, d)) * scale
    h0 = rng.uniform(-0.9, 0.9, (n, h))
    wx = rng.standard_normal((d, h)) / np.sqrt(d)
    wh = 0.9 * rng.standard_normal((h, h)) / np.sqrt(h)
    b = 0.2 * rng.standard_normal(h)
    return x, h0, wx, wh, b


def unroll(x, h0, wx, wh, b, *, recurrent=True):
    h = np.zeros(x.shape[:2] + h0.shape[1:])
    state = h0
    for t in range(x.shape[1]):
        state = np.tanh(x[:, t] @ wx + (state if recurrent else h0) @ wh + b)
        h[:, t] = state
    return h


def forward_variants(x, h0, wx, wh, b):
    return {
        "h0 was ignored (the first step must start from h0, not from zeros)": unroll(x, np.zeros_like(h0), wx, wh, b),
        "h0 was fed to every step: step t must use the state of step t-1": unroll(x, h0, wx, wh, b, recurrent=False),
        "used h @ wh.T: wh is (inputs, outputs), so the product is h @ wh": unroll(x, h0, wx, wh.T, b),
    }


def bptt(dh, x, h0, wx, wh, h, *, recurrent=True, slope="1-h^2", dwh_state="previous", back=None):
    """BPTT as it should be, or with one of the classic mistakes."""
    dz = np.zeros_like(h)
    carried = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        upstream = dh[:, t] + carried if recurrent else dh[:, t]
        dz[:, t] = upstream * ((1.0 - h[:, t] ** 2) if slope == "1-h^2" else (1.0 - h[:, t]))
        carried = dz[:, t] @ (wh.T if back is None else back)
    states = np.concatenate([h0[:, None], h[:, :-1]], axis=1) if dwh_state == "previous" else h
    return {"dx": dz @ wx.T, "dh0": carried, "dwx": np.einsum("ntd,nth->dh", x, dz),
            "dwh": np.einsum("ntj,ntk->jk", states, dz), "db": dz.sum(axis=(0, 1))}


def backward_variants(dh, x, h0, wx, wh, h, gradient):
    variants = {
        "the recurrent gradient dh_prev was not carried back: step t must add it to dh[:, t]":
            bptt(dh, x, h0, wx, wh, h, recurrent=False)[gradient],
        "used 1 - h instead of 1 - h**2 as the derivative of tanh":
            bptt(dh, x, h0, wx, wh, h, slope="1-h")[gradient],
    }
    if wh.shape[0] == wh.shape[1]:
        variants["the gradient carried back is dz_t Wh; it must be dz_t Wh^T (Wh maps h_{t-1} to z_t)"] = (
            bptt(dh, x, h0, wx, wh, h, back=wh)[gradient])
    if gradient == "dh0":
        variants["dh0 is all zeros: dh0 is the gradient carried back past the first step, dz_1 Wh^T"] = (
            np.zeros_like(h0))
    if gradient == "dwh":
        variants["dwh paired dz_t with h_t instead of the previous state h_{t-1} (h0 at the first step)"] = (
            bptt(dh, x, h0, wx, wh, h, dwh_state="current")["dwh"])
    return variants


@pytest.mark.task07_rnn_forward
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_forward_values(student, ref, rng, expect, shape):
    """every hidden state h on random inputs"""
    args = sequence_inputs(rng, *shape)
    h, _ = returned(student.rnn_forward(*args), "rnn_forward", "h, cache")
    expect(h, ref.rnn_forward(*args)[0], name="h", variants=forward_variants(*args))


@pytest.mark.task07_rnn_forward
@pytest.mark.contract("domain_edge")
def test_forward_one_step_is_rnn_step(student, ref, rng, expect):
    """with T = 1, the sequence is one step"""
    x, h0, wx, wh, b = sequence_inputs(rng, 3, 1, 4, 5)
    h, _ = returned(student.rnn_forward(x, h0, wx, wh, b), "rnn_forward", "h, cache")
    expected = ref.rnn_step_forward(x[:, 0], h0, wx, wh, b)[0][:, None, :]
    expect(h, expected, name="h (T = 1)", variants=forward_variants(x, h0, wx, wh, b))


@pytest.mark.task07_rnn_forward
def test_forward_large_inputs(student, ref, rng, expect):
    """h for large inputs (tanh saturates; exponentials overflow)"""
    args = sequence_inputs(rng, 2, 5, 3, 4, scale=1000.0)
    h, _ = returned(student.rnn_forward(*args), "rnn_forward", "h, cache")
    expect(h, ref.rnn_forward(*args)[0], name="h", variants=forward_variants(*args))


@pytest.mark.task07_rnn_forward
@pytest.mark.weight(0.5)
def test_forward_keeps_float64(student, ref, rng, expect):
    """float64 inputs give float64 hidden states (with the right values)"""
    args = sequence_inputs(rng, 2, 3, 3, 4)
    h, _ = returned(student.rnn_forward(*args), "rnn_forward", "h, cache")
    dtype = np.asarray(h).dtype
    if dtype != np.float64:
        raise GradeFailure(f"h has dtype {dtype} for float64 inputs; keep float64 (np.zeros is float64)")
    # The same weight group checks the values: a constant of the right dtype earns nothing here.
    expect(h, ref.rnn_forward(*args)[0], name="h", variants=forward_variants(*args))


def _backward(student, ref, rng, expect, shape, gradient, *, last_step_only=False, scale=1.0):
    args = sequence_inputs(rng, *shape, scale=scale)
    h, cache = returned(student.rnn_forward(*args), "rnn_forward", "h, cache")
    expected_h, ref_cache = ref.rnn_forward(*args)
    if np.shape(h) != expected_h.shape or not np.allclose(h, expected_h, rtol=1e-6, atol=1e-8):
        raise GradeFailure("cannot check rnn_backward: your rnn_forward gives wrong values "
                           "(its cache feeds the backward); fix rnn_forward first")
    dh = rng.standard_normal(expected_h.shape)
    if last_step_only:  # a loss on the last state only, as in sequence classification
        dh[:, :-1] = 0.0
    got = returned(student.rnn_backward(dh, cache), "rnn_backward", "dx, dh0, dwx, dwh, db")
    index = GRADIENTS.index(gradient)
    expected = ref.rnn_backward(dh, ref_cache)[index]
    x, h0, wx, wh, _ = args
    expect(got[index], expected, name=gradient, kind="gradients",
           variants=backward_variants(dh, x, h0, wx, wh, expected_h, gradient))


@pytest.mark.task07_rnn_backward
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("shape", SHAPES[:4], ids=SHAPE_IDS[:4])
def test_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of BPTT, with your forward's cache"""
    _backward(student, ref, rng, expect, shape, gradient)


@pytest.mark.task07_rnn_backward
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.contract("domain_edge")
def test_backward_loss_on_last_step(student, ref, rng, expect, gradient):
    """gradients when only the last state gets an upstream gradient"""
    _backward(student, ref, rng, expect, (2, 7, 3, 4), gradient, last_step_only=True)


@pytest.mark.task07_rnn_backward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", GRADIENTS)
def test_backward_saturated(student, ref, rng, expect, gradient):
    """gradients when some units saturate (large inputs)"""
    _backward(student, ref, rng, expect, (2, 4, 3, 5), gradient, scale=30.0)
