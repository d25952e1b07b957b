# selftest: mutant
# description: momentum buffer with the wrong sign (b = mu b - g), mixing the velocity form with PyTorch's
# expect-lose: sgd
# expect-feedback: wrong sign
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = dw + weight_decay * w
    if momentum == 0:
        return w - lr * g, {}
    if state is None:
        buf = g.copy()
    else:
        buf = momentum * state["momentum_buffer"] - (1 - dampening) * g
    d = g + momentum * buf if nesterov else buf
    return w - lr * d, {"momentum_buffer": buf}
