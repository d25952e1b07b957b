"""reference.rnn: gradient checks, known values, masks, purity, dtypes and shape errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference.gradcheck import gradient_check, rel_error
from reference.rnn import (
    embedding_backward, embedding_forward, lstm_backward, lstm_forward, lstm_step_backward,
    lstm_step_forward, rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward,
    temporal_linear_backward, temporal_linear_forward, temporal_softmax_cross_entropy,
)

SEEDS = [0, 1, 2, 3]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _lstm_step_joint_forward(x, h_prev, c_prev, wx, wh, b):
    # gradient_check wants one output: stack h and c so both upstream paths get checked
    h, c, cache = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
    return np.concatenate([h, c], axis=1), (cache, h.shape[1])


def _lstm_step_joint_backward(dout, cache):
    cache, hidden = cache
    return lstm_step_backward(dout[:, :hidden], dout[:, hidden:], cache)


def _loss_forward(x, y, mask):
    loss, dx = temporal_softmax_cross_entropy(x, y, mask)
    return np.array(loss), dx


def _loss_backward(dout, dx):
    return dout * dx


def _case(name, seed):
    """(forward, backward, args, wrt) on small random shapes drawn from the seed."""
    rng = np.random.default_rng(seed)
    n, t, d, h = (int(s) for s in rng.integers(1, 5, size=4))
    v = int(rng.integers(2, 5))

    def r(*shape, scale=0.5):
        return scale * rng.standard_normal(shape)

    if name == "rnn_step":
        return rnn_step_forward, rnn_step_backward, [r(n, d, scale=1), r(n, h, scale=1), r(d, h), r(h, h), r(h)], None
    if name == "rnn":
        return rnn_forward, rnn_backward, [r(n, t, d, scale=1), r(n, h, scale=1), r(d, h), r(h, h), r(h)], None
    if name == "lstm_step":
        args = [r(n, d, scale=1), r(n, h, scale=1), r(n, h, scale=1), r(d, 4 * h), r(h, 4 * h), r(4 * h)]
        return _lstm_step_joint_forward, _lstm_step_joint_backward, args, None
    if name == "lstm":
        return lstm_forward, lstm_backward, [r(n, t, d, scale=1), r(n, h, scale=1), r(d, 4 * h), r(h, 4 * h), r(4 * h)], None
    if name == "embedding":
        # few rows and many positions, so indices repeat
        return embedding_forward, embedding_backward, [rng.integers(0, v, size=(n, t + 2)), r(v, d, scale=1)], [1]
    if name == "temporal_linear":
        return temporal_linear_forward, temporal_linear_backward, [r(n, t, d, scale=1), r(d, v), r(v)], None
    if name == "temporal_loss":
        args = [r(n, t, v, scale=2), rng.integers(0, v, size=(n, t)), rng.random((n, t)) < 0.7]
        return _loss_forward, _loss_backward, args, [0]
    raise KeyError(name)


CASES = ["rnn_step", "rnn", "lstm_step", "lstm", "embedding", "temporal_linear", "temporal_loss"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", CASES)
def test_gradients_match_central_differences(name, seed):
    forward, backward, args, wrt = _case(name, seed)
    errors = gradient_check(forward, backward, args, wrt=wrt, rng=np.random.default_rng(seed))
    assert len(errors) == (len(wrt) if wrt else len(args))
    assert max(errors.values()) <= 1e-7, errors


@pytest.mark.parametrize("name", CASES)
def test_inputs_untouched_and_float64_fresh_outputs(name):
    forward, backward, args, _ = _case(name, 7)
    before = [np.array(a, copy=True) for a in args]
    out, cache = forward(*args)
    grads = backward(np.ones_like(out), cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    for array in (out, *grads):
        assert array.dtype == np.float64
        assert not any(np.shares_memory(array, a) for a in args)


def test_lstm_step_outputs_are_float64_and_fresh():
    rng = np.random.default_rng(3)
    args = [rng.standard_normal(s) for s in [(2, 3), (2, 2), (2, 2), (3, 8), (2, 8), (8,)]]
    h, c, cache = lstm_step_forward(*args)
    grads = lstm_step_backward(np.ones((2, 2)), np.ones((2, 2)), cache)
    for array in (h, c, *grads):
        assert array.dtype == np.float64
        assert not any(np.shares_memory(array, a) for a in args)
    assert [g.shape for g in grads] == [(2, 3), (2, 2), (2, 2), (3, 8), (2, 8), (8,)]


# --- known values -----------------------------------------------------------------------------

def test_rnn_with_zero_weights_is_tanh_of_bias(rng):
    b = rng.standard_normal(4)
    h_next, _ = rnn_step_forward(rng.standard_normal((3, 2)), rng.standard_normal((3, 4)),
                                 np.zeros((2, 4)), np.zeros((4, 4)), b)
    np.testing.assert_allclose(h_next, np.tile(np.tanh(b), (3, 1)), rtol=0, atol=1e-15)
    h, _ = rnn_forward(rng.standard_normal((3, 5, 2)), rng.standard_normal((3, 4)),
                       np.zeros((2, 4)), np.zeros((4, 4)), b)
    np.testing.assert_allclose(h, np.broadcast_to(np.tanh(b), (3, 5, 4)), rtol=0, atol=1e-15)


def test_rnn_scalar_sequence_by_hand():
    # N = D = H = 1, T = 2: h1 = tanh(2*0.5 - 1*1 + 0.25), h2 = tanh(2*(-1) - h1 + 0.25)
    x, h0 = np.array([[[0.5], [-1.0]]]), np.array([[1.0]])
    wx, wh, b = np.array([[2.0]]), np.array([[-1.0]]), np.array([0.25])
    h, cache = rnn_forward(x, h0, wx, wh, b)
    h1 = math.tanh(0.25)
    h2 = math.tanh(-2.0 - h1 + 0.25)
    np.testing.assert_allclose(h[0, :, 0], [h1, h2], rtol=1e-15)
    # only the last step has an upstream gradient; BPTT must carry it back to step 1 and to h0
    dx, dh0, dwx, dwh, db = rnn_backward(np.array([[[0.0], [1.0]]]), cache)
    dz2 = 1.0 - h2 ** 2
    dz1 = dz2 * -1.0 * (1.0 - h1 ** 2)
    np.testing.assert_allclose(dx[0, :, 0], [2.0 * dz1, 2.0 * dz2], rtol=1e-14)
    np.testing.assert_allclose([dh0[0, 0], dwx[0, 0], dwh[0, 0], db[0]],
                               [-dz1, 0.5 * dz1 - dz2, dz1 + h1 * dz2, dz1 + dz2], rtol=1e-14)


def test_lstm_with_zero_weights_follows_the_gate_closed_form(rng):
    # constant gates: c_t = f c_{t-1} + i g, so c_t = i g (1 - f^t) / (1 - f); h_t = o tanh(c_t)
    n, t_len, d, hidden = 2, 6, 3, 4
    b = rng.standard_normal(4 * hidden)
    i, f, o = (_sigmoid(b[k * hidden:(k + 1) * hidden]) for k in range(3))
    g = np.tanh(b[3 * hidden:])
    h, _ = lstm_forward(rng.standard_normal((n, t_len, d)), rng.standard_normal((n, hidden)),
                        np.zeros((d, 4 * hidden)), np.zeros((hidden, 4 * hidden)), b)
    steps = np.arange(1, t_len + 1)[:, None]
    expected = o * np.tanh(i * g * (1.0 - f ** steps) / (1.0 - f))
    np.testing.assert_allclose(h, np.broadcast_to(expected, h.shape), rtol=1e-13, atol=1e-15)


def test_lstm_backward_with_zero_weights_follows_the_gate_closed_form(rng):
    # constant gates and L = sum_t h_t with c_t = i g S_t, S_t = (1 - f^t) / (1 - f): each bias
    # gradient is a sum over t of dL/dh_t dh_t/db, written out by hand; x and h0 get no gradient
    n, t_len, d, hidden = 3, 5, 2, 4
    b = rng.standard_normal(4 * hidden)
    i, f, o = (_sigmoid(b[k * hidden:(k + 1) * hidden]) for k in range(3))
    g = np.tanh(b[3 * hidden:])
    x = rng.standard_normal((n, t_len, d))
    h, cache = lstm_forward(x, rng.standard_normal((n, hidden)), np.zeros((d, 4 * hidden)),
                            np.zeros((hidden, 4 * hidden)), b)
    dx, dh0, _, _, db = lstm_backward(np.ones_like(h), cache)
    steps = np.arange(1, t_len + 1)[:, None]
    s_t = (1.0 - f ** steps) / (1.0 - f)
    ds_df = sum(k * f ** (k - 1) * (steps > k) for k in range(1, t_len))  # d/df of 1 + f + ... + f^(t-1)
    tanh_c = np.tanh(i * g * s_t)
    dh_dc = o * (1.0 - tanh_c ** 2)
    expected = np.concatenate([
        (dh_dc * g * s_t).sum(axis=0) * i * (1.0 - i),
        (dh_dc * i * g * ds_df).sum(axis=0) * f * (1.0 - f),
        tanh_c.sum(axis=0) * o * (1.0 - o),
        (dh_dc * i * s_t).sum(axis=0) * (1.0 - g ** 2),
    ])
    np.testing.assert_allclose(db, n * expected, rtol=1e-12)
    np.testing.assert_array_equal(dx, 0.0)
    np.testing.assert_array_equal(dh0, 0.0)


def test_lstm_gate_order_is_i_f_o_g():
    # input open, forget closed, output half open, candidate saturated at 1: c = 1, h = tanh(1)/2
    hidden = 3
    b = np.concatenate([np.full(hidden, 40.0), np.full(hidden, -40.0), np.zeros(hidden), np.full(hidden, 40.0)])
    h_next, c_next, _ = lstm_step_forward(np.ones((2, 1)), np.ones((2, hidden)), np.full((2, hidden), 5.0),
                                          np.zeros((1, 4 * hidden)), np.zeros((hidden, 4 * hidden)), b)
    np.testing.assert_allclose(c_next, 1.0, rtol=1e-14)
    np.testing.assert_allclose(h_next, 0.5 * math.tanh(1.0), rtol=1e-14)


def test_lstm_with_forget_open_and_input_closed_keeps_the_cell(rng):
    n, d, hidden = 3, 2, 4
    wx, wh = 0.1 * rng.standard_normal((d, 4 * hidden)), 0.1 * rng.standard_normal((hidden, 4 * hidden))
    b = np.concatenate([np.full(hidden, -40.0), np.full(hidden, 40.0), rng.standard_normal(2 * hidden)])
    x, h_prev, c_prev = rng.standard_normal((n, d)), rng.standard_normal((n, hidden)), rng.standard_normal((n, hidden))
    h_next, c_next, cache = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
    np.testing.assert_allclose(c_next, c_prev, rtol=0, atol=1e-15)
    a_o = (x @ wx + h_prev @ wh + b)[:, 2 * hidden:3 * hidden]
    np.testing.assert_allclose(h_next, _sigmoid(a_o) * np.tanh(c_prev), rtol=1e-14)
    # the cell's gradient flows back unchanged through an open forget gate
    dc_next = rng.standard_normal((n, hidden))
    dc_prev = lstm_step_backward(np.zeros((n, hidden)), dc_next, cache)[2]
    np.testing.assert_allclose(dc_prev, dc_next, rtol=0, atol=1e-15)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_sequence_equals_chained_steps(cell, rng):
    n, t_len, d, hidden = 2, 4, 3, 3
    gates = 4 if cell == "lstm" else 1
    x, h0 = rng.standard_normal((n, t_len, d)), rng.standard_normal((n, hidden))
    wx, wh, b = (0.5 * rng.standard_normal(s) for s in [(d, gates * hidden), (hidden, gates * hidden), (gates * hidden,)])
    dh = rng.standard_normal((n, t_len, hidden))
    h_seq, cache = (lstm_forward if cell == "lstm" else rnn_forward)(x, h0, wx, wh, b)
    grads_seq = (lstm_backward if cell == "lstm" else rnn_backward)(dh, cache)

    h_prev, c_prev, caches, hs = h0, np.zeros((n, hidden)), [], []
    for t in range(t_len):
        if cell == "lstm":
            h_prev, c_prev, step_cache = lstm_step_forward(x[:, t], h_prev, c_prev, wx, wh, b)
        else:
            h_prev, step_cache = rnn_step_forward(x[:, t], h_prev, wx, wh, b)
        hs.append(h_prev)
        caches.append(step_cache)
    np.testing.assert_allclose(h_seq, np.stack(hs, axis=1), rtol=1e-14)

    dx, dwx, dwh, db = np.zeros_like(x), np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(b)
    dh_rec, dc_rec = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(t_len)):
        if cell == "lstm":
            dx[:, t], dh_rec, dc_rec, gwx, gwh, gb = lstm_step_backward(dh[:, t] + dh_rec, dc_rec, caches[t])
        else:
            dx[:, t], dh_rec, gwx, gwh, gb = rnn_step_backward(dh[:, t] + dh_rec, caches[t])
        dwx, dwh, db = dwx + gwx, dwh + gwh, db + gb
    for got, want in zip(grads_seq, (dx, dh_rec, dwx, dwh, db)):
        assert rel_error(got, want) < 1e-13


def test_empty_sequence_returns_h0_gradient_zero(rng):
    x, h0 = np.zeros((2, 0, 3)), rng.standard_normal((2, 4))
    h, cache = rnn_forward(x, h0, rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), np.zeros(4))
    assert h.shape == (2, 0, 4)
    dx, dh0, dwx, dwh, db = rnn_backward(np.zeros((2, 0, 4)), cache)
    assert dx.shape == (2, 0, 3) and not dh0.any() and not dwx.any() and not dwh.any() and not db.any()


def test_recurrent_ops_stay_finite_for_huge_inputs(rng):
    # |pre-activation| ~ 1e3: tanh and the tanh-form sigmoid must not overflow (warnings are errors)
    x, h0 = 1e3 * rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 2))
    wx, wh, b = rng.standard_normal((2, 8)), rng.standard_normal((2, 8)), 1e3 * rng.standard_normal(8)
    h, cache = lstm_forward(x, h0, wx, wh, b)
    grads = lstm_backward(np.ones_like(h), cache)
    assert np.isfinite(h).all() and all(np.isfinite(g).all() for g in grads)


# --- shape errors -----------------------------------------------------------------------------

def _arrays(*shapes_):
    return [np.zeros(s) for s in shapes_]


BAD_SHAPES = [
    (rnn_step_forward, _arrays((2, 3), (2, 4), (3, 4), (4, 5), (4,)), "wh", r"\(4, 5\)"),
    (rnn_step_forward, _arrays((2, 3), (2, 4), (3, 4), (4, 4), (5,)), "b", r"\(5,\)"),
    (rnn_step_forward, _arrays((2, 3), (3, 4), (3, 4), (4, 4), (4,)), "h_prev", r"\(3, 4\)"),
    (rnn_forward, _arrays((2, 3), (2, 4), (3, 4), (4, 4), (4,)), "x", r"\(2, 3\)"),
    (rnn_forward, _arrays((2, 5, 3), (1, 4), (3, 4), (4, 4), (4,)), "h0", r"\(1, 4\)"),
    (lstm_step_forward, _arrays((2, 3), (2, 4), (2, 5), (3, 16), (4, 16), (16,)), "c_prev", r"\(2, 5\)"),
    (lstm_step_forward, _arrays((2, 3), (2, 4), (2, 4), (3, 16), (4, 16), (12,)), "b", r"\(12,\)"),
    (lstm_forward, _arrays((2, 5, 3), (2, 4), (2, 16), (4, 16), (16,)), "wx", r"\(2, 16\)"),
    (lstm_forward, _arrays((2, 5, 3), (2, 4), (3, 16), (5, 16), (16,)), "wh", r"\(5, 16\)"),
    (embedding_forward, [np.zeros(4, dtype=int), np.zeros((5, 3))], "idx", r"\(4,\)"),
    (temporal_linear_forward, _arrays((2, 5, 3), (4, 6), (6,)), "w", r"\(4, 6\)"),
    (temporal_softmax_cross_entropy, [np.zeros((2, 3, 4)), np.zeros((2, 3), dtype=int), np.ones((2, 4), dtype=bool)],
     "mask", r"\(2, 4\)"),
]


@pytest.mark.parametrize("fn, args, name, got", BAD_SHAPES, ids=lambda v: getattr(v, "__name__", None))
def test_bad_shapes_name_the_argument_and_both_shapes(fn, args, name, got):
    with pytest.raises(ValueError, match=rf"^{name}: expected shape \(.*got shape {got}"):
        fn(*args)


@pytest.mark.parametrize("forward", ["step", "sequence"])
def test_lstm_gate_width_must_be_four_h(forward):
    from reference.rnn import lstm_forward, lstm_step_forward

    rng = np.random.default_rng(0)
    wx, wh, b = rng.standard_normal((3, 6)), rng.standard_normal((2, 6)), np.zeros(6)
    with pytest.raises(ValueError, match=r"wx: expected shape \(D, 4\*H\) with H=2"):
        if forward == "step":
            lstm_step_forward(np.ones((1, 3)), np.ones((1, 2)), np.ones((1, 2)), wx, wh, b)
        else:
            lstm_forward(np.ones((1, 4, 3)), np.ones((1, 2)), wx, wh, b)
