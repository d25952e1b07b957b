# selftest: alternative
# description: SGD written with state.get, the decay as a separate term and Nesterov expanded as (1 + mu) g + mu^2 b_old
import numpy as np


def sgd(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = np.add(dw, weight_decay * w)
    if not momentum:
        return w - lr * g, {}
    old = (state or {}).get("momentum_buffer")
    if old is None:
        buf = g * 1.0
        direction = (1 + momentum) * g if nesterov else buf
    else:
        buf = momentum * old + (1 - dampening) * g
        # dampening is 0 with Nesterov, so g + mu b = (1 + mu) g + mu^2 b_old
        direction = (1 + momentum) * g + momentum ** 2 * old if nesterov else buf
    return w - lr * direction, {"momentum_buffer": buf}
