# selftest: mutant
# description: RMSprop with alpha and 1 - alpha swapped
# expect-lose: rmsprop
# expect-feedback: swapped
import numpy as np


def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    if state is None:
        state = {"step": 0, "square_avg": np.zeros_like(w)}
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(w)
        if centered:
            state["grad_avg"] = np.zeros_like(w)
    g = dw + weight_decay * w
    v = (1 - alpha) * state["square_avg"] + alpha * g * g
    new = {"step": state["step"] + 1, "square_avg": v}
    if centered:
        m = (1 - alpha) * state["grad_avg"] + alpha * g
        new["grad_avg"] = m
        avg = np.sqrt(np.maximum(v - m * m, 0.0)) + eps
    else:
        avg = np.sqrt(v) + eps
    if momentum > 0:
        buf = momentum * state["momentum_buffer"] + g / avg
        new["momentum_buffer"] = buf
        return w - lr * buf, new
    return w - lr * g / avg, new
