# selftest: mutant
# description: LSTM gate order swapped: the forget gate read from the first block, the input gate from the second
# expect-lose: lstm_step_forward
# expect-feedback: input and forget gates swapped
import numpy as np


def lstm_step_forward(x, h_prev, c_prev, wx, wh, b):
    hidden = h_prev.shape[1]
    a = x @ wx + h_prev @ wh + b
    ifo = 0.5 * (1.0 + np.tanh(0.5 * a[:, :3 * hidden]))
    f, i, o = ifo[:, :hidden], ifo[:, hidden:2 * hidden], ifo[:, 2 * hidden:]
    g = np.tanh(a[:, 3 * hidden:])
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    return o * tanh_c, c_next, (x, h_prev, c_prev, wx, wh, i, f, o, g, tanh_c)
