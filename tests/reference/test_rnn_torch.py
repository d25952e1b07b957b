"""reference.rnn against PyTorch (float64, autograd): forward values and every gradient."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.gradcheck import rel_error  # noqa: E402
from reference.rnn import (  # noqa: E402
    embedding_backward, embedding_forward, lstm_backward, lstm_forward, lstm_step_backward,
    lstm_step_forward, rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward,
    temporal_linear_backward, temporal_linear_forward, temporal_softmax_cross_entropy,
)

SEEDS = [0, 1, 2]
TOL = 1e-7


def _leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _np(t):
    return t.detach().numpy()


def _assert_close(pairs):
    errors = [rel_error(ours, theirs) for ours, theirs in pairs]
    assert max(errors) <= TOL, errors


def _torch_module(cls, d, hidden, rng, **kw):
    """A float64 torch RNN/LSTM module (or cell) with weights drawn from rng."""
    module = cls(d, hidden, dtype=torch.float64, **kw)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(p.shape))))
    return module


def _params(module, suffix=""):
    return [getattr(module, f"{name}{suffix}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


def _lstm_perm(hidden):
    # torch's gate rows are i, f, g, o; ours are i, f, o, g: swap the last two blocks
    return np.r_[0:2 * hidden, 3 * hidden:4 * hidden, 2 * hidden:3 * hidden]


@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_step_matches_rnn_cell(seed):
    rng = np.random.default_rng(seed)
    n, d, hidden = 3, 4, 5
    cell = _torch_module(torch.nn.RNNCell, d, hidden, rng, nonlinearity="tanh")
    w_ih, w_hh, b_ih, b_hh = _params(cell)
    wx, wh, b = _np(w_ih).T, _np(w_hh).T, _np(b_ih + b_hh)
    x, h_prev, dh = rng.standard_normal((n, d)), rng.standard_normal((n, hidden)), rng.standard_normal((n, hidden))

    h_next, cache = rnn_step_forward(x, h_prev, wx, wh, b)
    dx, dh_prev, dwx, dwh, db = rnn_step_backward(dh, cache)

    xt, ht = _leaf(x), _leaf(h_prev)
    out = cell(xt, ht)
    (out * torch.from_numpy(dh)).sum().backward()
    _assert_close([(h_next, _np(out)), (dx, _np(xt.grad)), (dh_prev, _np(ht.grad)),
                   (dwx, _np(w_ih.grad).T), (dwh, _np(w_hh.grad).T), (db, _np(b_ih.grad)), (db, _np(b_hh.grad))])


@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_sequence_matches_nn_rnn(seed):
    rng = np.random.default_rng(seed)
    n, t_len, d, hidden = 3, 6, 4, 5
    net = _torch_module(torch.nn.RNN, d, hidden, rng, nonlinearity="tanh", batch_first=True)
    w_ih, w_hh, b_ih, b_hh = _params(net, "_l0")
    wx, wh, b = _np(w_ih).T, _np(w_hh).T, _np(b_ih + b_hh)
    x, h0 = rng.standard_normal((n, t_len, d)), rng.standard_normal((n, hidden))
    dh = rng.standard_normal((n, t_len, hidden))

    h, cache = rnn_forward(x, h0, wx, wh, b)
    dx, dh0, dwx, dwh, db = rnn_backward(dh, cache)

    xt, h0t = _leaf(x), _leaf(h0[None])
    out, _ = net(xt, h0t)
    (out * torch.from_numpy(dh)).sum().backward()
    _assert_close([(h, _np(out)), (dx, _np(xt.grad)), (dh0, _np(h0t.grad)[0]),
                   (dwx, _np(w_ih.grad).T), (dwh, _np(w_hh.grad).T), (db, _np(b_ih.grad)), (db, _np(b_hh.grad))])


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_step_matches_lstm_cell(seed):
    rng = np.random.default_rng(seed)
    n, d, hidden = 3, 4, 5
    perm = _lstm_perm(hidden)
    cell = _torch_module(torch.nn.LSTMCell, d, hidden, rng)
    w_ih, w_hh, b_ih, b_hh = _params(cell)
    wx, wh, b = _np(w_ih).T[:, perm], _np(w_hh).T[:, perm], _np(b_ih + b_hh)[perm]
    x, h_prev, c_prev = (rng.standard_normal(s) for s in [(n, d), (n, hidden), (n, hidden)])
    dh, dc = rng.standard_normal((n, hidden)), rng.standard_normal((n, hidden))

    h_next, c_next, cache = lstm_step_forward(x, h_prev, c_prev, wx, wh, b)
    dx, dh_prev, dc_prev, dwx, dwh, db = lstm_step_backward(dh, dc, cache)

    xt, ht, ct = _leaf(x), _leaf(h_prev), _leaf(c_prev)
    h_out, c_out = cell(xt, (ht, ct))
    ((h_out * torch.from_numpy(dh)).sum() + (c_out * torch.from_numpy(dc)).sum()).backward()
    _assert_close([(h_next, _np(h_out)), (c_next, _np(c_out)), (dx, _np(xt.grad)), (dh_prev, _np(ht.grad)),
                   (dc_prev, _np(ct.grad)), (dwx, _np(w_ih.grad).T[:, perm]), (dwh, _np(w_hh.grad).T[:, perm]),
                   (db, _np(b_ih.grad)[perm]), (db, _np(b_hh.grad)[perm])])


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_sequence_matches_nn_lstm(seed):
    rng = np.random.default_rng(seed)
    n, t_len, d, hidden = 3, 6, 4, 5
    perm = _lstm_perm(hidden)
    net = _torch_module(torch.nn.LSTM, d, hidden, rng, batch_first=True)
    w_ih, w_hh, b_ih, b_hh = _params(net, "_l0")
    wx, wh, b = _np(w_ih).T[:, perm], _np(w_hh).T[:, perm], _np(b_ih + b_hh)[perm]
    x, h0 = rng.standard_normal((n, t_len, d)), rng.standard_normal((n, hidden))
    dh = rng.standard_normal((n, t_len, hidden))

    h, cache = lstm_forward(x, h0, wx, wh, b)
    dx, dh0, dwx, dwh, db = lstm_backward(dh, cache)

    xt, h0t = _leaf(x), _leaf(h0[None])
    out, _ = net(xt, (h0t, torch.zeros(1, n, hidden, dtype=torch.float64)))
    (out * torch.from_numpy(dh)).sum().backward()
    _assert_close([(h, _np(out)), (dx, _np(xt.grad)), (dh0, _np(h0t.grad)[0]),
                   (dwx, _np(w_ih.grad).T[:, perm]), (dwh, _np(w_hh.grad).T[:, perm]),
                   (db, _np(b_ih.grad)[perm]), (db, _np(b_hh.grad)[perm])])


@pytest.mark.parametrize("seed", SEEDS)
def test_embedding_matches_functional_embedding(seed):
    rng = np.random.default_rng(seed)
    idx, w = rng.integers(0, 4, size=(3, 5)), rng.standard_normal((4, 6))
    dout = rng.standard_normal((3, 5, 6))
    out, cache = embedding_forward(idx, w)
    dw = embedding_backward(dout, cache)
    wt = _leaf(w)
    out_t = F.embedding(torch.from_numpy(idx), wt)
    (out_t * torch.from_numpy(dout)).sum().backward()
    _assert_close([(out, _np(out_t)), (dw, _np(wt.grad))])


@pytest.mark.parametrize("seed", SEEDS)
def test_temporal_linear_matches_functional_linear(seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((3, 5, 4)), rng.standard_normal((4, 6)), rng.standard_normal(6)
    dout = rng.standard_normal((3, 5, 6))
    out, cache = temporal_linear_forward(x, w, b)
    dx, dw, db = temporal_linear_backward(dout, cache)
    xt, wt, bt = _leaf(x), _leaf(w.T), _leaf(b)
    out_t = F.linear(xt, wt, bt)
    (out_t * torch.from_numpy(dout)).sum().backward()
    _assert_close([(out, _np(out_t)), (dx, _np(xt.grad)), (dw, _np(wt.grad).T), (db, _np(bt.grad))])


@pytest.mark.parametrize("scale", [1.0, 1e3])
@pytest.mark.parametrize("seed", SEEDS)
def test_temporal_loss_matches_cross_entropy_sum_over_n(seed, scale):
    rng = np.random.default_rng(seed)
    n, t_len, vocab = 3, 5, 7
    x, y = scale * rng.standard_normal((n, t_len, vocab)), rng.integers(0, vocab, size=(n, t_len))
    mask = rng.random((n, t_len)) < 0.6
    mask[0, 0] = True
    loss, dx = temporal_softmax_cross_entropy(x, y, mask)
    xt = _leaf(x)
    target = torch.from_numpy(np.where(mask, y, -100).reshape(-1))
    loss_t = F.cross_entropy(xt.reshape(-1, vocab), target, ignore_index=-100, reduction="sum") / n
    loss_t.backward()
    _assert_close([(np.array(loss), _np(loss_t)), (dx, _np(xt.grad))])
