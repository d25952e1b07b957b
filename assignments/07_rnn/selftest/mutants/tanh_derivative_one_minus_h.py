# selftest: mutant
# description: tanh derivative written as 1 - h instead of 1 - h**2, in the step and in BPTT
# expect-lose: rnn_step_backward rnn_backward
# expect-feedback: 1 - h instead of 1 - h**2
import numpy as np


def rnn_step_backward(dh_next, cache):
    x, h_prev, wx, wh, h_next = cache
    dz = dh_next * (1.0 - h_next)
    return dz @ wx.T, dz @ wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)


def rnn_backward(dh, cache):
    x, h0, wx, wh, h = cache
    t_len = x.shape[1]
    dz = np.zeros_like(h)
    dh_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        dz[:, t] = (dh[:, t] + dh_prev) * (1.0 - h[:, t])
        dh_prev = dz[:, t] @ wh.T
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    dwx = np.einsum("ntd,ntk->dk", x, dz)
    dwh = np.einsum("ntj,ntk->jk", h_before, dz)
    return dz @ wx.T, dh_prev, dwx, dwh, dz.sum(axis=(0, 1))
