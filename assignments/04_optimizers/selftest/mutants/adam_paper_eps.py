# selftest: mutant
# description: Adam in the paper's "efficient" form, eps added before the bias correction
# expect-lose: adam
# expect-feedback: before the bias correction
import math

import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = state["step"] + 1
    g = dw + weight_decay * w
    m = beta1 * state["exp_avg"] + (1 - beta1) * g
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v)
        new["max_exp_avg_sq"] = v
    alpha = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
    return w - alpha * m / (np.sqrt(v) + eps), new
