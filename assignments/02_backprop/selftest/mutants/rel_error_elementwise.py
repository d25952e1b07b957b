# selftest: mutant
# description: rel_error as an elementwise max ratio without eps: 0/0 = NaN on zero entries
# expect-lose: rel_error
# expect-feedback: NaN
import numpy as np


def rel_error(a, b, eps=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
