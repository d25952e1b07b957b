# selftest: mutant
# description: right steps, but the state uses its own key ("velocity") instead of PyTorch's "momentum_buffer"
# expect-lose: sgd
# expect-feedback: momentum_buffer
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = dw + weight_decay * w
    if momentum == 0:
        return w - lr * g, {}
    if state is None:
        buf = g.copy()
    else:
        buf = momentum * state["velocity"] + (1 - dampening) * g
    d = g + momentum * buf if nesterov else buf
    return w - lr * d, {"velocity": buf}
