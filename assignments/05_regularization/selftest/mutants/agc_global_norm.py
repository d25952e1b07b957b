# selftest: mutant
# description: AGC clipping with the global norms of the whole tensor instead of unit-wise
# expect-lose: adaptive_grad_clip
# expect-feedback: global clipping
import numpy as np


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    w_norm = np.sqrt(np.sum(w * w))
    g_norm = np.sqrt(np.sum(dw * dw))
    max_norm = clipping * max(w_norm, eps)
    if g_norm < max_norm:
        return dw * 1.0
    return dw * (max_norm / max(g_norm, 1e-6))
