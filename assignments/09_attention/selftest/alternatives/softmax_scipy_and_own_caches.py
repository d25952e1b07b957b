# selftest: alternative
# description: softmax from scipy.special with its own cache layout (a dict), attention calling it on masked scores with its own cache, and the backward reusing softmax_backward
import numpy as np


def softmax_forward(x, *, axis=-1):
    from scipy.special import softmax

    out = softmax(x, axis=axis)
    return out, {"s": out, "axis": axis}


def softmax_backward(dout, cache):
    s, axis = cache["s"], cache["axis"]
    return s * dout - s * np.sum(s * dout, axis=axis, keepdims=True)


def attention_forward(q, k, v, mask=None):
    d = q.shape[-1]
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * (1.0 / np.sqrt(d))
    if mask is None:
        weights, _ = softmax_forward(scores, axis=-1)
    else:
        allowed = np.broadcast_to(mask, scores.shape)
        some = allowed.any(axis=-1, keepdims=True)
        safe = np.where(allowed, scores, -np.inf)
        safe = np.where(some, safe, 0.0)  # rows with no key: any finite row, zeroed below
        weights, _ = softmax_forward(safe, axis=-1)
        weights = np.where(some, weights, 0.0)
    return np.matmul(weights, v), {"q": q, "k": k, "v": v, "p": weights, "scale": 1.0 / np.sqrt(d)}


def attention_backward(dout, cache):
    q, k, v, p = cache["q"], cache["k"], cache["v"], cache["p"]
    dv = np.matmul(np.swapaxes(p, -1, -2), dout)
    ds = softmax_backward(np.matmul(dout, np.swapaxes(v, -1, -2)), {"s": p, "axis": -1}) * cache["scale"]
    return np.matmul(ds, k), np.matmul(np.swapaxes(ds, -1, -2), q), dv


def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    d = x.shape[-1]
    q, k, v = np.split(x @ w_qkv + b_qkv, 3, axis=-1)
    if mask is not None and mask.ndim == 3:
        mask = mask[:, np.newaxis, :, :]
    heads, attention_cache = attention_forward(split_heads(q, num_heads), split_heads(k, num_heads),
                                               split_heads(v, num_heads), mask)
    concat = merge_heads(heads)
    return concat @ w_o + b_o, {"x": x, "w_qkv": w_qkv, "w_o": w_o, "concat": concat, "att": attention_cache,
                                "h": num_heads, "d": d}


def multihead_attention_backward(dout, cache):
    x, w_qkv, w_o, concat, h, d = cache["x"], cache["w_qkv"], cache["w_o"], cache["concat"], cache["h"], cache["d"]
    dq, dk, dv = attention_backward(split_heads(dout @ w_o.T, h), cache["att"])
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=-1)
    flat_x, flat_dqkv = x.reshape(-1, d), dqkv.reshape(-1, 3 * d)
    return (dqkv @ w_qkv.T, flat_x.T @ flat_dqkv, flat_dqkv.sum(axis=0),
            concat.reshape(-1, d).T @ dout.reshape(-1, d), dout.reshape(-1, d).sum(axis=0))
