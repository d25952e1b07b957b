# selftest: alternative
# description: global norm as the square root of a sum of squares, numpy scalars, step_lr by repeated multiplication, cosine with np.cos
import numpy as np


def clip_grad_norm(grads, max_norm, *, eps=1e-6):
    total = np.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    if total > max_norm:
        scale = max_norm / (total + eps)
        return [g * scale for g in grads], total
    return [np.array(g, copy=True) for g in grads], total


def step_lr(lr0, epoch, *, step_size, gamma=0.1):
    lr = lr0
    for _ in range(epoch // step_size):
        lr *= gamma
    return lr


def cosine_lr(lr0, epoch, *, t_max, eta_min=0.0):
    return np.float64(eta_min + 0.5 * (lr0 - eta_min) * (1.0 + np.cos(np.pi * epoch / t_max)))
