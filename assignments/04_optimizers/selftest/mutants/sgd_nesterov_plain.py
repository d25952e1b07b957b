# selftest: mutant
# description: Nesterov steps along the buffer alone (plain momentum) instead of g + mu b
# expect-lose: sgd
# expect-feedback: Nesterov step along the buffer
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = dw + weight_decay * w
    if momentum == 0:
        return w - lr * g, {}
    if state is None:
        buf = g.copy()
    else:
        buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
    return w - lr * buf, {"momentum_buffer": buf}
