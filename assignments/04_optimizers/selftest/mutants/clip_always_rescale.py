# selftest: mutant
# description: clip_grad_norm rescales to max_norm even when the norm is already below
# expect-lose: clip_grad_norm
# expect-feedback: also when it is below
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    return [g * (max_norm / (total + eps)) for g in grads], total
