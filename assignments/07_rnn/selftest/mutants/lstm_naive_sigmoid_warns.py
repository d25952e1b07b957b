# selftest: mutant
# description: the LSTM step with the naive sigmoid 1/(1+exp(-a)) and np.split: right values, but exp overflows and warns for saturated gates
# expect-lose: lstm_step_forward
# expect-feedback: emitted a warning on valid input, overflow encountered in exp
import numpy as np


def lstm_step_forward(x, h_prev, c_prev, wx, wh, b):
    a = x @ wx + h_prev @ wh + b
    a_i, a_f, a_o, a_g = np.split(a, 4, axis=1)
    i = 1.0 / (1.0 + np.exp(-a_i))
    f = 1.0 / (1.0 + np.exp(-a_f))
    o = 1.0 / (1.0 + np.exp(-a_o))
    g = np.tanh(a_g)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    return o * tanh_c, c_next, (x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c)
