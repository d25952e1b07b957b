# selftest: mutant
# description: momentum buffer starts at zero, so the first step is damped (PyTorch starts it at g)
# expect-lose: sgd
# expect-feedback: started at zero
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = dw + weight_decay * w
    if momentum == 0:
        return w - lr * g, {}
    old = np.zeros_like(w) if state is None else state["momentum_buffer"]
    buf = momentum * old + (1 - dampening) * g
    d = g + momentum * buf if nesterov else buf
    return w - lr * d, {"momentum_buffer": buf}
