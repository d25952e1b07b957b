# selftest: mutant
# description: clip_grad_norm clips each gradient separately to max_norm instead of by the global norm
# expect-lose: clip_grad_norm
# expect-feedback: separately
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    return [g * min(1.0, max_norm / (np.linalg.norm(g) + eps)) for g in grads], total_norm
