# selftest: alternative
# description: np.var / np.mean / np.linalg.norm based implementations, np.where dropout with x / (1 - p), penalties via np.vdot and np.abs(w).sum()
import numpy as np


def l2_penalty(w, lam):
    flat = np.ravel(w)
    return float(lam / 2 * np.vdot(flat, flat)), lam * np.asarray(w, dtype=np.float64)


def l1_penalty(w, lam):
    dw = np.where(w > 0, lam, np.where(w < 0, -lam, 0.0))
    return float(lam * np.abs(w).sum()), dw


def dropout_forward(x, p, *, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), np.ones_like(x)
    if rng is None:
        raise ValueError("rng is required in train mode")
    if p == 0:
        return x.copy(), np.ones_like(x)
    keep = rng.random(x.shape) >= p
    out = np.where(keep, x / (1 - p), 0.0)
    return out, np.where(keep, 1.0 / (1 - p), 0.0)


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    if train:
        mean, var = np.mean(x, axis=0), np.var(x, axis=0)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("running statistics are required in eval mode")
        mean, var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return x_hat * gamma + beta, (x_hat, gamma, inv_std, train)


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1):
    if x.shape[0] < 2:
        raise ValueError("need two samples")
    new_mean = running_mean + momentum * (np.mean(x, axis=0) - running_mean)
    new_var = running_var + momentum * (np.var(x, axis=0, ddof=1) - running_var)
    return new_mean, new_var


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    mean = np.mean(x, axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(np.var(x, axis=1, keepdims=True) + eps)
    x_hat = (x - mean) * inv_std
    return x_hat * gamma + beta, (x_hat, gamma, inv_std)


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    if w.ndim <= 1:
        w_norm, g_norm = np.linalg.norm(w.ravel()), np.linalg.norm(dw.ravel())
    else:
        w2 = w if w.ndim == 2 else w.reshape(w.shape[0], -1).T  # units as columns
        g2 = dw if w.ndim == 2 else dw.reshape(dw.shape[0], -1).T
        w_norm, g_norm = np.linalg.norm(w2, axis=0), np.linalg.norm(g2, axis=0)
    max_norm = clipping * np.maximum(w_norm, eps)
    scale = np.ones_like(g_norm)
    clip = g_norm >= max_norm
    scale = np.where(clip, max_norm / np.maximum(g_norm, 1e-6), scale)
    if w.ndim > 2:
        scale = scale.reshape((-1,) + (1,) * (w.ndim - 1))
    return dw * scale
