# selftest: mutant
# description: RMSprop with an Adam-style bias correction of v (RMSprop has none)
# expect-lose: rmsprop
# expect-feedback: no bias correction
import numpy as np


def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    if state is None:
        state = {"step": 0, "square_avg": np.zeros_like(w)}
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(w)
        if centered:
            state["grad_avg"] = np.zeros_like(w)
    step = state["step"] + 1
    g = dw + weight_decay * w
    v = alpha * state["square_avg"] + (1 - alpha) * g * g
    new = {"step": step, "square_avg": v}
    v_hat = v / (1 - alpha ** step)
    if centered:
        m = alpha * state["grad_avg"] + (1 - alpha) * g
        new["grad_avg"] = m
        avg = np.sqrt(np.maximum(v_hat - m * m, 0.0)) + eps
    else:
        avg = np.sqrt(v_hat) + eps
    if momentum > 0:
        buf = momentum * state["momentum_buffer"] + g / avg
        new["momentum_buffer"] = buf
        return w - lr * buf, new
    return w - lr * g / avg, new
