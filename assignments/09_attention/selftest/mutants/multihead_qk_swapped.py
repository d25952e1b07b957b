# selftest: mutant
# description: multi-head attention takes the queries from the key block of w_qkv and vice versa
# expect-lose: multihead_attention_forward
# expect-feedback: q and k are taken from swapped column blocks
import numpy as np


def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    k = split_heads(qkv[:, :, :d], num_heads)
    q = split_heads(qkv[:, :, d:2 * d], num_heads)
    v = split_heads(qkv[:, :, 2 * d:], num_heads)
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None]
    heads, attention_cache = attention_forward(q, k, v, mask)
    concat = merge_heads(heads)
    return concat @ w_o + b_o, (x, w_qkv, w_o, concat, attention_cache)
