# selftest: mutant
# description: adam with beta1 and beta2 swapped (m decays with 0.999, v with 0.9)
# expect-lose: adam
# expect-feedback: beta1 and beta2 swapped
import math

import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta2, beta1 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = state["step"] + 1
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
