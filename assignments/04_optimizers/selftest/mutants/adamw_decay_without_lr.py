# selftest: mutant
# description: AdamW shrinks the weights by (1 - wd) instead of (1 - lr wd)
# expect-lose: adamw
# expect-feedback: without the learning rate
import math

import numpy as np


def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    step = state["step"] + 1
    m = beta1 * state["exp_avg"] + (1 - beta1) * dw
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * dw * dw
    new = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v)
        new["max_exp_avg_sq"] = v
    denom = np.sqrt(v) / math.sqrt(1 - beta2 ** step) + eps
    return w * (1 - weight_decay) - lr / (1 - beta1 ** step) * m / denom, new
