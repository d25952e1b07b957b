# selftest: mutant
# description: the LSTM step's gate gradients concatenated in PyTorch's order i, f, g, o instead of i, f, o, g
# expect-lose: lstm_step_backward
# expect-feedback: PyTorch's order i, f, g, o
import numpy as np


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c = cache
    dc = dc_next + dh_next * o * (1.0 - tanh_c * tanh_c)
    da = np.concatenate([
        dc * g * i * (1.0 - i),
        dc * c_prev * f * (1.0 - f),
        dc * i * (1.0 - g * g),
        dh_next * tanh_c * o * (1.0 - o),
    ], axis=1)
    return da @ wx.T, da @ wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
