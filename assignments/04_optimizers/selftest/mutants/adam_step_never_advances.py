# selftest: mutant
# description: adam whose step counter never advances (t = 1 at every step: the bias correction of step 1 forever)
# expect-lose: adam
# expect-feedback: step count never advances
import math

import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = 1
    g = dw + weight_decay * w if weight_decay != 0 else dw
    exp_avg = beta1 * state["exp_avg"] + (1 - beta1) * g
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new_state = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if amsgrad:
        exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        new_state["max_exp_avg_sq"] = exp_avg_sq
    step_size = lr / (1 - beta1 ** step)
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1 - beta2 ** step) + eps
    return w - step_size * (exp_avg / denom), new_state
