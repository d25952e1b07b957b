# selftest: alternative
# description: adam copies every array of the state ({k: np.copy(v)}) and then updates the copies in place: the caller's state is untouched
import math

import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    else:
        state = {key: np.copy(value) if isinstance(value, np.ndarray) else value for key, value in state.items()}
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
