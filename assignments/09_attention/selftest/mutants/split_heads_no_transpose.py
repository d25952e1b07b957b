# selftest: mutant
# description: split_heads reshapes straight to (N, h, T, D/h), mixing positions and features
# expect-lose: split_heads multihead_attention_forward multihead_attention_backward
# expect-feedback: reshaped straight to
import numpy as np


def split_heads(x, num_heads):
    n, t, d = x.shape
    if d % num_heads:
        raise ValueError("D must be divisible by num_heads")
    return x.reshape(n, num_heads, t, d // num_heads).copy()
