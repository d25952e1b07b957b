# selftest: alternative
# description: float64 reached by other routes: np.asarray(..., dtype=float), np.divide with an explicit dtype, math.sqrt on Python floats, np.float64 scalars
import math

import numpy as np


def l2_penalty(w, lam):
    w = np.asarray(w, dtype=float)
    return float(np.float64(lam) / 2.0 * np.sum(w * w)), np.multiply(lam, w, dtype=np.float64)


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    x = np.asarray(x, dtype=float)
    d = x.shape[1]
    mean = np.sum(x, axis=1, keepdims=True) / float(d)
    var = np.sum((x - mean) ** 2, axis=1, keepdims=True) / float(d)
    inv_std = np.divide(1.0, np.sqrt(var + eps), dtype=np.float64)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    w, dw = np.asarray(w, dtype=np.float64), np.array(dw, dtype=np.float64)
    if w.ndim <= 1:
        units = [...]
    elif w.ndim == 2:
        units = [(slice(None), j) for j in range(w.shape[1])]
    else:
        units = list(range(w.shape[0]))
    out = dw.copy()
    for u in units:
        w_norm, g_norm = math.sqrt(float(np.sum(w[u] ** 2))), math.sqrt(float(np.sum(dw[u] ** 2)))
        limit = clipping * max(w_norm, eps)
        if g_norm >= limit:
            out[u] = dw[u] * (limit / max(g_norm, 1e-6))
    return out
