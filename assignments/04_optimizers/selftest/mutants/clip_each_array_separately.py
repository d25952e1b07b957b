# selftest: mutant
# description: clip_grad_norm clips every array by its own norm
# expect-lose: clip_grad_norm
# expect-feedback: separately
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    clipped = [g * min(1.0, max_norm / (np.linalg.norm(g) + eps)) for g in grads]
    return clipped, total
