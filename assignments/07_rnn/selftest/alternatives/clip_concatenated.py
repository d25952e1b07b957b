# selftest: alternative
# description: clip_grad_norm from one concatenated vector, one scale min(1, max_norm / (norm + eps)) for all arrays
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    if not grads:
        return [], 0.0
    total = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    scale = min(1.0, max_norm / (total + eps))
    return [np.asarray(g) * scale for g in grads], total
