# selftest: mutant
# description: rnn_backward multiplying in the wrong order: dh_prev = dz Wh instead of dz Wh^T
# expect-lose: rnn_backward
# expect-feedback: must be dz_t Wh^T
import numpy as np


def rnn_backward(dh, cache):
    x, h0, wx, wh, h = cache
    t_len = x.shape[1]
    dz = np.zeros_like(h)
    dh_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        dz[:, t] = (dh[:, t] + dh_prev) * (1.0 - h[:, t] * h[:, t])
        dh_prev = dz[:, t] @ wh
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    dwx = np.einsum("ntd,ntk->dk", x, dz)
    dwh = np.einsum("ntj,ntk->jk", h_before, dz)
    return dz @ wx.T, dh_prev, dwx, dwh, dz.sum(axis=(0, 1))
