# selftest: mutant
# description: AGC without the eps floor on the weight norm (zero-initialised weights never move)
# expect-lose: adaptive_grad_clip
# expect-feedback: eps floor
import numpy as np


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    if w.ndim <= 1:
        axes = None
    elif w.ndim == 2:
        axes = (0,)
    else:
        axes = tuple(range(1, w.ndim))
    w_norm = np.sqrt(np.sum(w * w, axis=axes, keepdims=True))
    g_norm = np.sqrt(np.sum(dw * dw, axis=axes, keepdims=True))
    max_norm = clipping * w_norm
    scale = np.where(g_norm < max_norm, 1.0, max_norm / np.maximum(g_norm, 1e-6))
    return dw * scale
