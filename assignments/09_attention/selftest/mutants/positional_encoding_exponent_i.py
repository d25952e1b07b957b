# selftest: mutant
# description: positional encoding with base^(i/D) instead of base^(2i/D)
# expect-lose: positional_encoding
# expect-feedback: the exponent uses i instead of 2i
import numpy as np


def positional_encoding(t, d, *, base=10000.0):
    angles = np.arange(t)[:, None] / base ** (np.arange(0, d, 2) / 2 / d)
    pe = np.zeros((t, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d // 2])
    return pe
