# selftest: alternative
# description: Adagrad with an explicit loop over the entries of w
import math

import numpy as np


def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    step = 1 if state is None else state["step"] + 1
    total = np.full(w.shape, float(initial_accumulator_value)) if state is None else state["sum"].copy()
    new_w = np.empty_like(w)
    rate = lr / (1 + (step - 1) * lr_decay)
    for index in np.ndindex(w.shape):
        g = dw[index] + weight_decay * w[index]
        total[index] += g * g
        new_w[index] = w[index] - rate * g / (math.sqrt(total[index]) + eps)
    return new_w, {"step": step, "sum": total}
