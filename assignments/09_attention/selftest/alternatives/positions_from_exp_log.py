# selftest: alternative
# description: positional encoding in the exp-log form of the PyTorch tutorial, built by interleaving a stack; causal mask by comparing index grids
import math

import numpy as np


def positional_encoding(t, d, *, base=10000.0):
    position = np.arange(t, dtype=np.float64)[:, None]
    div = np.exp(np.arange(0, d, 2, dtype=np.float64) * (-math.log(base) / d))
    both = np.stack([np.sin(position * div), np.cos(position * div)], axis=2).reshape(t, -1)
    return both[:, :d]


def causal_mask(t):
    if not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError("t must be a positive integer")
    rows, cols = np.indices((t, t))
    return cols <= rows
