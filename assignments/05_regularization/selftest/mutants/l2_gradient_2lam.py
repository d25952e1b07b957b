# selftest: mutant
# description: L2 gradient 2 lam w, inconsistent with the penalty (lam/2) sum w^2
# expect-lose: l2_penalty
# expect-feedback: 1/2 convention
import numpy as np


def l2_penalty(w, lam):
    return float(0.5 * lam * np.sum(w * w)), 2 * lam * w
