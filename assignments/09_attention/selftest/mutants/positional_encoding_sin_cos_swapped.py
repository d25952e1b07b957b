# selftest: mutant
# description: positional encoding with cosines in the even columns and sines in the odd ones
# expect-lose: positional_encoding
# expect-feedback: sin and cos are swapped
import numpy as np


def positional_encoding(t, d, *, base=10000.0):
    angles = np.arange(t)[:, None] / base ** (np.arange(0, d, 2) / d)
    pe = np.zeros((t, d))
    pe[:, 0::2] = np.cos(angles)
    pe[:, 1::2] = np.sin(angles[:, : d // 2])
    return pe
