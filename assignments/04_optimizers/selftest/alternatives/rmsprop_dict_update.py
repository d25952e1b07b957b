# selftest: alternative
# description: RMSprop that copies the state dict and updates it key by key, centered variance without a clamp
import numpy as np


def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    new = dict(state) if state is not None else {"step": 0, "square_avg": 0.0 * w}
    g = dw + weight_decay * w if weight_decay else dw
    new["step"] += 1
    new["square_avg"] = alpha * new["square_avg"] + (1 - alpha) * g ** 2
    if centered:
        new["grad_avg"] = alpha * new.get("grad_avg", 0.0 * w) + (1 - alpha) * g
        denom = np.sqrt(new["square_avg"] - new["grad_avg"] ** 2) + eps
    else:
        denom = np.sqrt(new["square_avg"]) + eps
    direction = g / denom
    if momentum > 0:
        new["momentum_buffer"] = momentum * new.get("momentum_buffer", 0.0 * w) + direction
        direction = new["momentum_buffer"]
    return w - lr * direction, new
