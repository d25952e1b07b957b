# selftest: mutant
# description: clip_grad_norm scales by max_norm / norm, without the documented eps: the same at ordinary sizes, off once max_norm and the norm are near eps
# expect-lose: clip_grad_norm
# expect-feedback: without the eps
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total = float(np.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in grads)))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [np.asarray(g) * scale for g in grads], total
