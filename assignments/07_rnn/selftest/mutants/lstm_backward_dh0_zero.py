# selftest: mutant
# description: LSTM BPTT returns zeros for dh0 (h0 treated as a constant, like c0)
# expect-lose: lstm_backward
# expect-feedback: dh0 is all zeros
import numpy as np


def lstm_backward(dh, cache):
    x, h0, wx, wh, h, c, gates = cache
    t_len = x.shape[1]
    hidden = h0.shape[1]
    i, f, o, g = (gates[:, :, k * hidden:(k + 1) * hidden] for k in range(4))
    tanh_c = np.tanh(c)
    c_before = np.concatenate([np.zeros_like(h0)[:, None, :], c], axis=1)[:, :t_len]
    h_before = np.concatenate([h0[:, None, :], h], axis=1)[:, :t_len]
    da = np.zeros_like(gates)
    dh_prev = np.zeros_like(h0)
    dc_prev = np.zeros_like(h0)
    for t in reversed(range(t_len)):
        dh_t = dh[:, t] + dh_prev
        dc = dc_prev + dh_t * o[:, t] * (1.0 - tanh_c[:, t] * tanh_c[:, t])
        da[:, t, :hidden] = dc * g[:, t] * i[:, t] * (1.0 - i[:, t])
        da[:, t, hidden:2 * hidden] = dc * c_before[:, t] * f[:, t] * (1.0 - f[:, t])
        da[:, t, 2 * hidden:3 * hidden] = dh_t * tanh_c[:, t] * o[:, t] * (1.0 - o[:, t])
        da[:, t, 3 * hidden:] = dc * i[:, t] * (1.0 - g[:, t] * g[:, t])
        dh_prev = da[:, t] @ wh.T
        dc_prev = dc * f[:, t]
    dwx = np.einsum("ntd,ntk->dk", x, da)
    dwh = np.einsum("ntj,ntk->jk", h_before, da)
    return da @ wx.T, np.zeros_like(h0), dwx, dwh, da.sum(axis=(0, 1))
