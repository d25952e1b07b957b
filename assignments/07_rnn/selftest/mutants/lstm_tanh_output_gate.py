# selftest: mutant
# description: LSTM output gate computed with tanh instead of a sigmoid
# expect-lose: lstm_step_forward
# expect-feedback: output gate
import numpy as np


def lstm_step_forward(x, h_prev, c_prev, wx, wh, b):
    hidden = h_prev.shape[1]
    a = x @ wx + h_prev @ wh + b
    i = 1.0 / (1.0 + np.exp(-a[:, :hidden]))
    f = 1.0 / (1.0 + np.exp(-a[:, hidden:2 * hidden]))
    o = np.tanh(a[:, 2 * hidden:3 * hidden])
    g = np.tanh(a[:, 3 * hidden:])
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    return o * tanh_c, c_next, (x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c)
