"""reference.attention against PyTorch (float64, autograd): forward values and every gradient.

Softmax against torch.softmax, scaled dot-product attention against
F.scaled_dot_product_attention (our mask: True = may attend, as torch's boolean attn_mask),
multi-head self-attention against nn.MultiheadAttention with its weights mapped explicitly
(in_proj_weight = w_qkv.T, out_proj.weight = w_o.T; torch's boolean attn_mask means "may NOT
attend", so it gets ~mask), sinusoidal encoding against a torch transcription of the paper's formula.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.attention import (  # noqa: E402
    attention_backward, attention_forward, causal_mask, multihead_attention_backward,
    multihead_attention_forward, positional_encoding, softmax_backward, softmax_forward,
)
from reference.gradcheck import rel_error  # noqa: E402
from reference.layers import layernorm_backward, layernorm_forward  # noqa: E402

SEEDS = [0, 1, 2]
TOL = 1e-7


def _leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _np(t):
    return t.detach().numpy()


def _assert_close(op, pairs):
    errors = [rel_error(ours, theirs) for ours, theirs in pairs]
    assert max(errors) <= TOL, f"{op}: {errors}"


def _grad_pairs(ours, leaves):
    return [(g, _np(leaf.grad)) for g, leaf in zip(ours, leaves)]


def _padding_mask(lengths, t):
    keys = np.arange(t)[None, :] < np.asarray(lengths)[:, None]
    return np.broadcast_to(keys[:, None, :], (len(lengths), t, t)).copy()


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_matches_torch(axis, rng):
    x = 3.0 * rng.standard_normal((3, 4, 5))
    dout = rng.standard_normal(x.shape)
    out, cache = softmax_forward(x, axis=axis)
    xt = _leaf(x)
    ot = torch.softmax(xt, dim=axis)
    ot.backward(torch.from_numpy(dout))
    _assert_close("softmax", [(out, _np(ot)), (softmax_backward(dout, cache), _np(xt.grad))])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("masking", ["none", "causal", "padding"])
def test_attention_matches_scaled_dot_product_attention(seed, masking):
    rng = np.random.default_rng(seed)
    n, heads, t, d, dv = 2, 3, 5, 4, 6
    q, k, v = (rng.standard_normal((n, heads, t, size)) for size in (d, d, dv))
    mask = {"none": None, "causal": causal_mask(t),
            "padding": _padding_mask([3, 5], t)[:, None]}[masking]
    dout = rng.standard_normal((n, heads, t, dv))
    out, cache = attention_forward(q, k, v, mask)
    grads = attention_backward(dout, cache)
    qt, kt, vt = _leaf(q), _leaf(k), _leaf(v)
    ot = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=None if mask is None else torch.from_numpy(mask))
    ot.backward(torch.from_numpy(dout))
    _assert_close("scaled_dot_product_attention",
                  [(out, _np(ot)), *_grad_pairs(grads, (qt, kt, vt))])


def test_fully_masked_row_is_zero_as_in_torch(rng):
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 2))
    mask = np.array([[True, False, True], [False, False, False], [True, True, True]])
    dout = rng.standard_normal((2, 3, 2))
    out, cache = attention_forward(q, k, v, mask)
    qt, kt, vt = _leaf(q), _leaf(k), _leaf(v)
    ot = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=torch.from_numpy(mask))
    ot.backward(torch.from_numpy(dout))
    _assert_close("scaled_dot_product_attention, a fully masked row",
                  [(out, _np(ot)), *_grad_pairs(attention_backward(dout, cache), (qt, kt, vt))])


def test_attention_with_different_key_length_matches_torch(rng):
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 6, 4)), rng.standard_normal((2, 6, 2))
    dout = rng.standard_normal((2, 3, 2))
    out, cache = attention_forward(q, k, v)
    qt, kt, vt = _leaf(q), _leaf(k), _leaf(v)
    ot = F.scaled_dot_product_attention(qt, kt, vt)
    ot.backward(torch.from_numpy(dout))
    _assert_close("scaled_dot_product_attention",
                  [(out, _np(ot)), *_grad_pairs(attention_backward(dout, cache), (qt, kt, vt))])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("heads,masking", [(1, "none"), (2, "causal"), (4, "padding"), (2, "none")])
def test_multihead_matches_nn_multihead_attention(seed, heads, masking):
    rng = np.random.default_rng(seed)
    n, t, d = 3, 5, 8
    x = rng.standard_normal((n, t, d))
    w_qkv, b_qkv = rng.standard_normal((d, 3 * d)) / np.sqrt(d), 0.1 * rng.standard_normal(3 * d)
    w_o, b_o = rng.standard_normal((d, d)) / np.sqrt(d), 0.1 * rng.standard_normal(d)
    mask = {"none": None, "causal": causal_mask(t), "padding": _padding_mask([2, 5, 4], t)}[masking]
    dout = rng.standard_normal((n, t, d))
    out, cache = multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, num_heads=heads, mask=mask)
    dx, dw_qkv, db_qkv, dw_o, db_o = multihead_attention_backward(dout, cache)

    module = torch.nn.MultiheadAttention(d, heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        module.in_proj_weight.copy_(torch.from_numpy(w_qkv.T))
        module.in_proj_bias.copy_(torch.from_numpy(b_qkv))
        module.out_proj.weight.copy_(torch.from_numpy(w_o.T))
        module.out_proj.bias.copy_(torch.from_numpy(b_o))
    attn_mask = None
    if mask is not None:
        # torch wants (T, T) or (N * heads, T, T), True = may NOT attend
        blocked = torch.from_numpy(~mask)
        attn_mask = blocked if mask.ndim == 2 else blocked.repeat_interleave(heads, dim=0)
    xt = _leaf(x)
    ot, _ = module(xt, xt, xt, attn_mask=attn_mask, need_weights=False)
    ot.backward(torch.from_numpy(dout))
    _assert_close("nn.MultiheadAttention", [
        (out, _np(ot)), (dx, _np(xt.grad)),
        (dw_qkv, _np(module.in_proj_weight.grad).T), (db_qkv, _np(module.in_proj_bias.grad)),
        (dw_o, _np(module.out_proj.weight.grad).T), (db_o, _np(module.out_proj.bias.grad)),
    ])


def test_positional_encoding_matches_the_formula_in_torch():
    t, d = 50, 16
    position = torch.arange(t, dtype=torch.float64)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-np.log(10000.0) / d))
    pe = torch.zeros(t, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * div)
    pe[:, 1::2] = torch.cos(position * div)
    _assert_close("positional encoding", [(positional_encoding(t, d), pe.numpy())])


def test_layernorm_over_a_sequence_matches_torch(rng):
    # the reuse in this assignment: (N, T, D) normalised as (N*T, D) rows
    x, gamma, beta = rng.standard_normal((2, 5, 6)), rng.standard_normal(6), rng.standard_normal(6)
    dout = rng.standard_normal(x.shape)
    out, cache = layernorm_forward(x.reshape(-1, 6), gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout.reshape(-1, 6), cache)
    xt, gt, bt = _leaf(x), _leaf(gamma), _leaf(beta)
    ot = F.layer_norm(xt, (6,), gt, bt, eps=1e-5)
    ot.backward(torch.from_numpy(dout))
    _assert_close("layer_norm", [(out.reshape(x.shape), _np(ot)), (dx.reshape(x.shape), _np(xt.grad)),
                                 (dgamma, _np(gt.grad)), (dbeta, _np(bt.grad))])

