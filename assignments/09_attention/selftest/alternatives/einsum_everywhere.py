# selftest: alternative
# description: attention, heads and multi-head attention with einsum and moveaxis, masking with a finite -1e30 and an explicit zero for rows with nothing to attend to
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = np.einsum("...id,...jd->...ij", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e30)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    if mask is not None:
        # a row whose keys are all masked has uniform weights here; the docstring wants zeros
        anything = np.broadcast_to(np.asarray(mask), scores.shape).any(axis=-1, keepdims=True)
        weights = np.where(anything, weights, 0.0)
    return np.einsum("...ij,...jc->...ic", weights, v), (q, k, v, weights)


def attention_backward(dout, cache):
    q, k, v, weights = cache
    dv = np.einsum("...ij,...ic->...jc", weights, dout)
    dweights = np.einsum("...ic,...jc->...ij", dout, v)
    row = np.einsum("...ij,...ij->...i", dweights, weights)[..., None]
    dscores = weights * (dweights - row) / np.sqrt(q.shape[-1])
    return np.einsum("...ij,...jd->...id", dscores, k), np.einsum("...ij,...id->...jd", dscores, q), dv


def split_heads(x, num_heads):
    n, t, d = x.shape
    if d % num_heads != 0:
        raise ValueError(f"D={d} is not a multiple of num_heads={num_heads}")
    return np.moveaxis(x.reshape(n, t, num_heads, d // num_heads), 2, 1).copy()


def merge_heads(heads):
    n, h, t, c = heads.shape
    return np.moveaxis(heads, 1, 2).reshape(n, t, h * c)


def multihead_attention_backward(dout, cache):
    x, w_qkv, w_o, concat, attention_cache = cache
    num_heads = attention_cache[0].shape[1]
    dconcat = np.einsum("nte,de->ntd", dout, w_o)
    dq, dk, dv = attention_backward(split_heads(dconcat, num_heads), attention_cache)
    dqkv = np.concatenate([merge_heads(g) for g in (dq, dk, dv)], axis=-1)
    return (np.einsum("ntk,dk->ntd", dqkv, w_qkv), np.einsum("ntd,ntk->dk", x, dqkv), np.einsum("ntk->k", dqkv),
            np.einsum("ntd,nte->de", concat, dout), np.einsum("nte->e", dout))
