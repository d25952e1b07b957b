# selftest: mutant
# description: AGC taking the rows of a (D, M) linear weight as units (norms over axis 1, PyTorch's layout)
# expect-lose: adaptive_grad_clip
# expect-feedback: rows
import numpy as np


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    if w.ndim <= 1:
        axes = None
    else:
        axes = tuple(range(1, w.ndim))
    w_norm = np.sqrt(np.sum(w * w, axis=axes, keepdims=True))
    g_norm = np.sqrt(np.sum(dw * dw, axis=axes, keepdims=True))
    max_norm = clipping * np.maximum(w_norm, eps)
    scale = np.where(g_norm < max_norm, 1.0, max_norm / np.maximum(g_norm, 1e-6))
    return dw * scale
