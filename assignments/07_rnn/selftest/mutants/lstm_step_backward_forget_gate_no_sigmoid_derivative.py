# selftest: mutant
# description: the LSTM step's forget-gate gradient forgets the sigmoid's derivative: dc * c_prev * f instead of dc * c_prev * f (1 - f)
# expect-lose: lstm_step_backward
# expect-feedback: the forget gate's columns
import numpy as np


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c = cache
    dc = dc_next + dh_next * o * (1.0 - tanh_c * tanh_c)
    da = np.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f, dh_next * tanh_c * o * (1.0 - o),
                         dc * i * (1.0 - g * g)], axis=1)
    return da @ wx.T, da @ wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
