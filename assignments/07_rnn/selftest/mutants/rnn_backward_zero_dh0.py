# selftest: mutant
# description: rnn_backward right but for dh0, returned as zeros
# expect-lose: rnn_backward
# expect-feedback: dh0 is all zeros
import numpy as np


def rnn_backward(dh, cache):
    x, h0, wx, wh, h = cache
    t_len = x.shape[1]
    dz = np.zeros_like(h)
    dh_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        dz[:, t] = (dh[:, t] + dh_prev) * (1.0 - h[:, t] * h[:, t])
        dh_prev = dz[:, t] @ wh.T
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    dwx = np.einsum("ntd,ntk->dk", x, dz)
    dwh = np.einsum("ntj,ntk->jk", h_before, dz)
    return dz @ wx.T, np.zeros_like(h0), dwx, dwh, dz.sum(axis=(0, 1))
