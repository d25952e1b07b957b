# selftest: alternative
# description: clip_grad_norm from one concatenated vector, scaling only when the norm exceeds max_norm (no eps)
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    if not grads:
        return [], 0.0
    total = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    if total > max_norm:
        return [g * (max_norm / total) for g in grads], total
    return [np.array(g, copy=True) for g in grads], total
