# selftest: alternative
# description: multi-head attention with a Python loop over the heads (slow but right), heads split by slicing
import numpy as np


def split_heads(x, num_heads):
    d = x.shape[2]
    if num_heads <= 0 or d % num_heads:
        raise ValueError("num_heads must divide D")
    c = d // num_heads
    return np.stack([x[:, :, j * c:(j + 1) * c] for j in range(num_heads)], axis=1)


def merge_heads(heads):
    return np.concatenate([heads[:, j] for j in range(heads.shape[1])], axis=2)


def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    n, t, d = x.shape
    c = d // num_heads
    qkv = x @ w_qkv + b_qkv
    outs, caches = [], []
    for j in range(num_heads):
        q = qkv[:, :, j * c:(j + 1) * c]
        k = qkv[:, :, d + j * c:d + (j + 1) * c]
        v = qkv[:, :, 2 * d + j * c:2 * d + (j + 1) * c]
        out, head_cache = attention_forward(q, k, v, mask)
        outs.append(out)
        caches.append(head_cache)
    concat = np.concatenate(outs, axis=2)
    return concat @ w_o + b_o, (x, w_qkv, w_o, concat, caches)


def multihead_attention_backward(dout, cache):
    x, w_qkv, w_o, concat, caches = cache
    n, t, d = x.shape
    c = d // len(caches)
    dconcat = dout @ w_o.T
    dqkv = np.zeros((n, t, 3 * d))
    for j, head_cache in enumerate(caches):
        dq, dk, dv = attention_backward(dconcat[:, :, j * c:(j + 1) * c], head_cache)
        dqkv[:, :, j * c:(j + 1) * c] = dq
        dqkv[:, :, d + j * c:d + (j + 1) * c] = dk
        dqkv[:, :, 2 * d + j * c:2 * d + (j + 1) * c] = dv
    dw_qkv = np.tensordot(x, dqkv, axes=([0, 1], [0, 1]))
    dw_o = np.tensordot(concat, dout, axes=([0, 1], [0, 1]))
    return dqkv @ w_qkv.T, dw_qkv, dqkv.sum(axis=(0, 1)), dw_o, dout.sum(axis=(0, 1))
