# selftest: mutant
# description: merge_heads interleaves the heads feature by feature (heads merged in the wrong order)
# expect-lose: merge_heads multihead_attention_forward multihead_attention_backward
# expect-feedback: interleaved feature by feature
import numpy as np


def merge_heads(heads):
    n, h, t, c = heads.shape
    return heads.transpose(0, 2, 3, 1).reshape(n, t, h * c)
