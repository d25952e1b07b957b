# selftest: mutant
# description: sgd with the Nesterov term flipped: d = g - mu b
# expect-lose: sgd
# expect-feedback: Nesterov term with the wrong sign
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("sgd: Nesterov momentum requires momentum > 0 and dampening = 0")
    g = dw + weight_decay * w if weight_decay != 0 else dw
    if momentum == 0:
        return w - lr * g, {}
    if state is None or "momentum_buffer" not in state:
        buf = np.array(g, copy=True)
    else:
        buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
    d = g - momentum * buf if nesterov else buf
    return w - lr * d, {"momentum_buffer": buf}
