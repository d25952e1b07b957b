# selftest: mutant
# description: L1 gradient ignoring the sign of w (lam everywhere)
# expect-lose: l1_penalty
# expect-feedback: sign(w)
import numpy as np


def l1_penalty(w, lam):
    return float(lam * np.sum(np.abs(w))), lam * np.ones_like(w)
