# selftest: mutant
# description: adam copies the state dict (dict(state)) and updates its moments in place: a shallow copy shares the arrays, so the caller's state changes
# expect-lose: adam
# expect-feedback: changed its input
import math

import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    else:
        state = dict(state)
    state["step"] += 1
    g = dw + weight_decay * w if weight_decay != 0 else dw
    state["exp_avg"] *= beta1
    state["exp_avg"] += (1 - beta1) * g
    state["exp_avg_sq"] *= beta2
    state["exp_avg_sq"] += (1 - beta2) * g * g
    v = state["exp_avg_sq"]
    if amsgrad:
        np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        v = state["max_exp_avg_sq"]
    step = state["step"]
    denom = np.sqrt(v) / math.sqrt(1 - beta2 ** step) + eps
    return w - lr / (1 - beta1 ** step) * state["exp_avg"] / denom, state
