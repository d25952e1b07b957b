# selftest: mutant
# description: weight decay added to the step after the momentum instead of to the gradient
# expect-lose: sgd
# expect-feedback: after the momentum
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    if momentum == 0:
        return w - lr * (dw + weight_decay * w), {}
    g = dw
    if state is None:
        buf = g.copy()
    else:
        buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
    d = g + momentum * buf if nesterov else buf
    return w - lr * (d + weight_decay * w), {"momentum_buffer": buf}
