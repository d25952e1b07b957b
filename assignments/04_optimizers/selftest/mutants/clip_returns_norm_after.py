# selftest: mutant
# description: clip_grad_norm returns the total norm measured after clipping
# expect-lose: clip_grad_norm
# expect-feedback: after clipping
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    clipped = [g * min(1.0, max_norm / (total + eps)) for g in grads]
    return clipped, float(np.sqrt(sum(np.sum(g * g) for g in clipped)))
