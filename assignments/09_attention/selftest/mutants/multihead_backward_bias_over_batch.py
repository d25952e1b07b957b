# selftest: mutant
# description: multi-head backward sums the output bias gradient over the batch only, giving (T, D)
# expect-lose: multihead_attention_backward
# expect-feedback: wrong shape
import numpy as np


def multihead_attention_backward(dout, cache):
    x, w_qkv, w_o, concat, attention_cache = cache
    d = x.shape[2]
    num_heads = attention_cache[0].shape[1]
    dheads = split_heads(dout @ w_o.T, num_heads)
    dq, dk, dv = attention_backward(dheads, attention_cache)
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=2)
    dw_qkv = x.reshape(-1, d).T @ dqkv.reshape(-1, 3 * d)
    dw_o = concat.reshape(-1, d).T @ dout.reshape(-1, d)
    return dqkv @ w_qkv.T, dw_qkv, dqkv.sum(axis=(0, 1)), dw_o, dout.sum(axis=0)
