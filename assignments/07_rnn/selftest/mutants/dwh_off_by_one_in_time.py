# selftest: mutant
# description: BPTT pairs dz_t with h_t instead of the previous state h_{t-1} in dwh
# expect-lose: rnn_backward
# expect-feedback: previous state
import numpy as np


def rnn_backward(dh, cache):
    x, h0, wx, wh, h = cache
    t_len = x.shape[1]
    dz = np.zeros_like(h)
    dh_prev = np.zeros_like(h0)
    dwh = np.zeros_like(wh)
    for t in reversed(range(t_len)):
        dz[:, t] = (dh[:, t] + dh_prev) * (1.0 - h[:, t] * h[:, t])
        dh_prev = dz[:, t] @ wh.T
        dwh += h[:, t].T @ dz[:, t]
    dwx = np.einsum("ntd,ntk->dk", x, dz)
    return dz @ wx.T, dh_prev, dwx, dwh, dz.sum(axis=(0, 1))
