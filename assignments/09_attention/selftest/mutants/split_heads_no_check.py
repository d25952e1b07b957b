# selftest: mutant
# description: split_heads silently drops features when D is not divisible by the number of heads
# expect-lose: split_heads
# expect-feedback: raise a ValueError when D % num_heads != 0
import numpy as np


def split_heads(x, num_heads):
    n, t, d = x.shape
    c = d // num_heads
    return x[:, :, :num_heads * c].reshape(n, t, num_heads, c).transpose(0, 2, 1, 3).copy()
