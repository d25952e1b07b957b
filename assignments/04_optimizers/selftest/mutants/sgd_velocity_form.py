# selftest: mutant
# description: textbook velocity form v = mu v - lr g, w + v: right for a constant lr only
# expect-lose: sgd
# expect-feedback: velocity form
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = dw + weight_decay * w
    if momentum == 0:
        return w - lr * g, {}
    if state is None:
        v = -lr * g
    else:
        v = momentum * state["momentum_buffer"] - lr * (1 - dampening) * g
    step = momentum * v - lr * g if nesterov else v
    return w + step, {"momentum_buffer": v}
