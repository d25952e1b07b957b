# selftest: mutant
# description: multi-head attention scales the scores by sqrt(D) of the model instead of sqrt(D/h) of a head
# expect-lose: multihead_attention_forward
# expect-feedback: each head's scale is sqrt(D / num_heads)
import numpy as np


def multihead_attention_forward(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask=None):
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    # an extra factor sqrt(1/h) on q turns the head's 1/sqrt(D/h) into 1/sqrt(D)
    q = split_heads(qkv[:, :, :d], num_heads) / np.sqrt(num_heads)
    k = split_heads(qkv[:, :, d:2 * d], num_heads)
    v = split_heads(qkv[:, :, 2 * d:], num_heads)
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None]
    heads, attention_cache = attention_forward(q, k, v, mask)
    concat = merge_heads(heads)
    return concat @ w_o + b_o, (x, w_qkv, w_o, concat, attention_cache)
