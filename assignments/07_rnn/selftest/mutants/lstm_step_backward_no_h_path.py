# selftest: mutant
# description: the LSTM step's cell gradient is dc_next alone: the path from h_next through tanh(c_next) is missing
# expect-lose: lstm_step_backward
# expect-feedback: path through h_next
import numpy as np


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c = cache
    dc = dc_next
    da = np.concatenate([
        dc * g * i * (1.0 - i),
        dc * c_prev * f * (1.0 - f),
        dh_next * tanh_c * o * (1.0 - o),
        dc * i * (1.0 - g * g),
    ], axis=1)
    return da @ wx.T, da @ wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
