# selftest: mutant
# description: adagrad whose sum never accumulates: s = initial + g^2 of this step only
# expect-lose: adagrad
# expect-feedback: does not accumulate
import numpy as np


def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    step = 0 if state is None else state["step"]
    step += 1
    g = dw + weight_decay * w if weight_decay != 0 else dw
    clr = lr / (1 + (step - 1) * lr_decay)
    total = np.full_like(w, initial_accumulator_value) + g * g
    return w - clr * (g / (np.sqrt(total) + eps)), {"step": step, "sum": total}
