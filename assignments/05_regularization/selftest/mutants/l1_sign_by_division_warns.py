# selftest: mutant
# description: the L1 subgradient as w / |w| with the 0 / 0 at w = 0 repaired by np.nan_to_num: right values, but the division warns (invalid value)
# expect-lose: l1_penalty
# expect-feedback: emitted a warning on valid input, invalid value encountered in divide
import numpy as np


def l1_penalty(w, lam):
    w = np.asarray(w, dtype=np.float64)
    return float(lam * np.sum(np.abs(w))), lam * np.nan_to_num(w / np.abs(w))
