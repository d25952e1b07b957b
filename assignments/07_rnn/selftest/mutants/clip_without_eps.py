# selftest: mutant
# description: clip_grad_norm from one concatenated vector, scaled by max_norm / norm when the norm exceeds max_norm: the documented eps is ignored, which shows once max_norm and the norm are near eps
# expect-lose: clip_grad_norm
# expect-feedback: without the eps
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    if not grads:
        return [], 0.0
    total = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    if total > max_norm:
        return [g * (max_norm / total) for g in grads], total
    return [np.array(g, copy=True) for g in grads], total
