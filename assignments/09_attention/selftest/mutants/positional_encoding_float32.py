# selftest: mutant
# description: positional encoding computed and returned in float32
# expect-lose: positional_encoding
# expect-feedback: keep float64
import numpy as np


def positional_encoding(t, d, *, base=10000.0):
    angles = (np.arange(t)[:, None] / base ** (np.arange(0, d, 2) / d)).astype(np.float32)
    pe = np.zeros((t, d), dtype=np.float32)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d // 2])
    return pe
