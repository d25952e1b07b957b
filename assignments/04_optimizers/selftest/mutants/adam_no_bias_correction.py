# selftest: mutant
# description: Adam without bias correction
# expect-lose: adam adamw
# expect-feedback: no bias correction
import numpy as np


def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(w)
    g = dw + weight_decay * w
    m = beta1 * state["exp_avg"] + (1 - beta1) * g
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new = {"step": state["step"] + 1, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v)
        new["max_exp_avg_sq"] = v
    return w - lr * m / (np.sqrt(v) + eps), new


def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    # the same student reuses the Adam above, so AdamW inherits the missing correction
    new_w, new = adam(w, dw, state, lr=lr, betas=betas, eps=eps, amsgrad=amsgrad)
    return new_w - lr * weight_decay * w, new
