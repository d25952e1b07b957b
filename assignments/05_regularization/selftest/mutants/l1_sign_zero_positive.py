# selftest: mutant
# description: L1 subgradient +lam at w = 0 (np.where(w >= 0, lam, -lam))
# expect-lose: l1_penalty
# expect-feedback: sign(0) should be 0
import numpy as np


def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), np.where(w >= 0, lam, -lam)
