# selftest: mutant
# description: normwise rel_error without the eps floor: two zero arrays give NaN
# expect-lose: rel_error
# expect-feedback: NaN
import numpy as np


def rel_error(a, b, eps=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))
