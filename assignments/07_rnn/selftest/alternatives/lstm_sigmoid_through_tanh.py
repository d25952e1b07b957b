# selftest: alternative
# description: the LSTM step with np.split and the sigmoid written through tanh, sigma(a) = (1 + tanh(a / 2)) / 2, which never overflows
import numpy as np


def lstm_step_forward(x, h_prev, c_prev, wx, wh, b):
    a = x @ wx + h_prev @ wh + b
    a_i, a_f, a_o, a_g = np.split(a, 4, axis=1)
    i, f, o = (0.5 * (1.0 + np.tanh(0.5 * part)) for part in (a_i, a_f, a_o))
    g = np.tanh(a_g)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    return o * tanh_c, c_next, (x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c)
