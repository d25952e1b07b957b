"""Attention, batch-first: softmax along an axis, scaled dot-product attention with a boolean
mask, multi-head self-attention and sinusoidal positional encoding.

    out, cache = name_forward(x, *params, **hyper)
    grads      = name_backward(dout, cache)      # dx, or (dx, dparam1, ...) in parameter order

Sequences are (N, T, D); heads are split as (N, h, T, D/h). float64 in gives float64 out; inputs
are never mutated. Every body is self-contained or calls only functions defined above it in
this module (they are inlined into the notebook in this order). causal_mask, split_heads,
merge_heads and positional_encoding have no parameters to learn, so they are plain functions.

Masks are boolean and True means "may attend", PyTorch's convention for a boolean attn_mask
of F.scaled_dot_product_attention. A fully masked row (a query that may attend to nothing, e.g.
a padded query) gets all-zero weights, so its output row is 0 and it passes no gradient, as
F.scaled_dot_product_attention does in the torch version we test against (2.13).

Matching torch.nn.MultiheadAttention(D, h, batch_first=True), whose weights are stored
(outputs, inputs): w_qkv = in_proj_weight.T (columns: q, k, v blocks of D, and within a block
head j owns columns [j D/h, (j+1) D/h)), b_qkv = in_proj_bias, w_o = out_proj.weight.T,
b_o = out_proj.bias; its boolean attn_mask means "may NOT attend", so it takes ~mask.

Layer norm is reference.layers.layernorm_forward / layernorm_backward, over the features of
(N, D) rows: a sequence (N, T, D) is normalised as (N*T, D).
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


def softmax_forward(x, *, axis=-1):
    """Softmax along one axis, computed stably (the maximum along the axis is subtracted first).

    x: any shape, finite values; axis: the axis whose entries are normalised to sum to 1.
    Returns out: the shape of x, and cache = (out, axis).
    Formula: out_i = e^{x_i - \\max_j x_j} / \\sum_j e^{x_j - \\max_j x_j}, along axis.
    """
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    out = e / e.sum(axis=axis, keepdims=True)
    return out, (out, axis)


def softmax_backward(dout, cache):
    """Gradient of softmax_forward along its axis.

    dout: the shape of out, upstream gradient; cache = (out, axis) from softmax_forward.
    Returns dx: the shape of out.
    Formula: dx_i = s_i (dout_i - \\sum_j dout_j s_j), s = out, sums along axis.
    """
    out, axis = cache
    return out * (dout - (dout * out).sum(axis=axis, keepdims=True))


def causal_mask(t):
    """The mask of a causal (autoregressive) model: position i may attend to positions j <= i.

    t: int >= 1, the sequence length.
    Returns mask: (T, T) boolean, True on and below the diagonal.
    Formula: mask_{ij} = [j \\le i].
    """
    if int(t) != t or t < 1:
        raise ValueError(f"causal_mask: t must be a positive integer, got {t!r}")
    return np.tril(np.ones((int(t), int(t)), dtype=bool))


def attention_forward(q, k, v, mask=None):
    """Scaled dot-product attention over the last two axes; the leading axes (batch, heads) are shared.

    q: (..., Tq, d) queries; k: (..., Tk, d) keys; v: (..., Tk, dv) values; mask: None or a
    boolean array broadcastable to (..., Tq, Tk), True where query i may attend to key j.
    Returns out: (..., Tq, dv) and cache = (q, k, v, weights), where weights: (..., Tq, Tk) are
    the attention weights: each row sums to 1, except a fully masked row, which is all 0 (its
    output row is then 0).
    Formula: out = \\mathrm{softmax}(q k^T / \\sqrt{d} + M) v,\\ M_{ij} = 0 if mask_{ij} else -\\infty, softmax over the keys.
    """
    if q.shape[:-2] != k.shape[:-2] or k.shape[:-1] != v.shape[:-1] or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"attention_forward: q {q.shape}, k {k.shape} and v {v.shape} do not fit "
                         "(..., Tq, d), (..., Tk, d), (..., Tk, dv)")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise ValueError(f"attention_forward: mask must be boolean (True = may attend), got dtype {mask.dtype}")
        scores = np.where(mask, scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    # a fully masked row has max -inf; shifting by 0 instead keeps exp(-inf) = 0 and avoids inf - inf
    e = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0.0))
    total = e.sum(axis=-1, keepdims=True)
    weights = e / np.where(total > 0.0, total, 1.0)
    return weights @ v, (q, k, v, weights)


def attention_backward(dout, cache):
    """Gradients of scaled dot-product attention.

    dout: (..., Tq, dv) upstream gradient of out; cache = (q, k, v, weights) from attention_forward.
    Returns dq: (..., Tq, d), dk: (..., Tk, d), dv: (..., Tk, dv).
    Formula: dv = P^T dout,\\ dP = dout\\, v^T,\\ dS = P \\odot (dP - \\sum_j dP_{ij} P_{ij}) / \\sqrt{d},\\ dq = dS\\, k,\\ dk = dS^T q (P = weights).
    """
    q, k, v, weights = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    # softmax backward per row; masked entries have weight 0 and so get no gradient
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True)) / np.sqrt(q.shape[-1])
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv


@shapes(x=("N", "T", "D"))
def split_heads(x, num_heads):
    """Split the features of every position into num_heads heads of D/h features each.

    x: (N, T, D) with D divisible by num_heads; num_heads: int h >= 1.
    Returns heads: (N, h, T, D/h), a new array; heads[:, j] holds features [j D/h, (j+1) D/h) of x.
    Formula: heads_{n,j,t,c} = x_{n,t,\\, j D/h + c}.
    """
    n, t, d = x.shape
    if num_heads < 1 or d % num_heads:
        raise ValueError(f"split_heads: D = {d} is not divisible by num_heads = {num_heads}")
    return x.reshape(n, t, num_heads, d // num_heads).transpose(0, 2, 1, 3).copy()


@shapes(heads=("N", "H", "T", "C"))
def merge_heads(heads):
    """Undo split_heads: put the heads' features side by side again, head 0 first.

    heads: (N, h, T, C).
    Returns x: (N, T, h C), a new array.
    Formula: x_{n,t,\\, j C + c} = heads_{n,j,t,c}.
    """
    n, h, t, c = heads.shape
    return heads.transpose(0, 2, 1, 3).reshape(n, t, h * c).copy()


@shapes(x=("N", "T", "D"), w_qkv=("D", "3*D"), b_qkv=("3*D",), w_o=("D", "D"), b_o=("D",))
def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    """Multi-head self-attention: project to q, k, v, attend in every head, merge, project out.

    x: (N, T, D); w_qkv: (D, 3D) with column blocks q, k, v of D each; b_qkv: (3D,); w_o: (D, D);
    b_o: (D,); num_heads: h, dividing D; mask: None, (T, T) or (N, T, T) boolean (True = may
    attend), the same for every head.
    Returns out: (N, T, D) and cache = (x, w_qkv, w_o, concat, attention_cache), where concat:
    (N, T, D) is the merged output of the heads and attention_cache is the cache of
    attention_forward on the split q, k, v: (N, h, T, D/h).
    Formula: [Q, K, V] = x W_{qkv} + b_{qkv};\\ head_j = \\mathrm{attention}(Q_j, K_j, V_j, mask);\\ out = [head_1, ..., head_h] W_o + b_o.
    """
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    q = split_heads(qkv[:, :, :d], num_heads)
    k = split_heads(qkv[:, :, d:2 * d], num_heads)
    v = split_heads(qkv[:, :, 2 * d:], num_heads)
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None]  # one mask per sequence, broadcast over the heads
    heads, attention_cache = attention_forward(q, k, v, mask)
    concat = merge_heads(heads)
    return concat @ w_o + b_o, (x, w_qkv, w_o, concat, attention_cache)


def multihead_attention_backward(dout, cache):
    """Gradients of multi-head self-attention.

    dout: (N, T, D); cache = (x, w_qkv, w_o, concat, attention_cache) from multihead_attention_forward.
    Returns dx: (N, T, D), dw_qkv: (D, 3D), db_qkv: (3D,), dw_o: (D, D), db_o: (D,).
    Formula: dW_o = \\sum_{n,t} concat^T dout,\\ d\\,concat = dout W_o^T \\to split \\to attention\\_backward \\to merge \\to dQKV = [dQ, dK, dV];\\ dx = dQKV W_{qkv}^T,\\ dW_{qkv} = \\sum_{n,t} x^T dQKV.
    """
    x, w_qkv, w_o, concat, attention_cache = cache
    d = x.shape[2]
    num_heads = attention_cache[0].shape[1]
    dheads = split_heads(dout @ w_o.T, num_heads)
    dq, dk, dv = attention_backward(dheads, attention_cache)
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=2)
    dw_qkv = x.reshape(-1, d).T @ dqkv.reshape(-1, 3 * d)
    dw_o = concat.reshape(-1, d).T @ dout.reshape(-1, d)
    return dqkv @ w_qkv.T, dw_qkv, dqkv.sum(axis=(0, 1)), dw_o, dout.sum(axis=(0, 1))


def positional_encoding(t, d, *, base=10000.0):
    """Sinusoidal positional encoding (Vaswani et al., 2017), added to the embeddings of a sequence.

    t: int >= 1, number of positions; d: int >= 1, model width (may be odd: the last column is
    then a sine); base: the wavelength scale.
    Returns pe: (T, D) float64; row p encodes position p = 0..T-1.
    Formula: PE_{p,2i} = \\sin(p / base^{2i/D}),\\ PE_{p,2i+1} = \\cos(p / base^{2i/D}).
    """
    if int(t) != t or int(d) != d or t < 1 or d < 1:
        raise ValueError(f"positional_encoding: t and d must be positive integers, got t={t!r}, d={d!r}")
    angles = np.arange(int(t))[:, None] / base ** (np.arange(0, int(d), 2) / d)
    pe = np.zeros((int(t), int(d)))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : int(d) // 2])
    return pe
