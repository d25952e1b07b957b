# selftest: mutant
# description: Adagrad decays the rate with t instead of t - 1
# expect-lose: adagrad
# expect-feedback: t - 1
import numpy as np


def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    if state is None:
        step, total = 0, np.full_like(w, initial_accumulator_value)
    else:
        step, total = state["step"], state["sum"]
    step += 1
    g = dw + weight_decay * w
    total = total + g * g
    clr = lr / (1 + step * lr_decay)
    return w - clr * g / (np.sqrt(total) + eps), {"step": step, "sum": total}
