# selftest: mutant
# description: multi-head attention passes an (N, T, T) mask on without a head axis
# expect-lose: multihead_attention_forward
# expect-feedback: without a head axis
import numpy as np


def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    q = split_heads(qkv[:, :, :d], num_heads)
    k = split_heads(qkv[:, :, d:2 * d], num_heads)
    v = split_heads(qkv[:, :, 2 * d:], num_heads)
    heads, attention_cache = attention_forward(q, k, v, mask)
    concat = merge_heads(heads)
    return concat @ w_o + b_o, (x, w_qkv, w_o, concat, attention_cache)
