# selftest: mutant
# description: lstm_forward reads the gate blocks in PyTorch's order i, f, g, o instead of i, f, o, g
# expect-lose: lstm_forward
# expect-feedback: PyTorch's gate order
import numpy as np


def lstm_forward(x, h0, wx, wh, b):
    n, t_len, _ = x.shape
    hidden = h0.shape[1]
    h = np.zeros((n, t_len, hidden))
    c = np.zeros((n, t_len, hidden))
    gates = np.zeros((n, t_len, 4 * hidden))
    h_prev, c_prev = h0, np.zeros((n, hidden))
    for t in range(t_len):
        a = x[:, t] @ wx + h_prev @ wh + b
        i = 1.0 / (1.0 + np.exp(-a[:, :hidden]))
        f = 1.0 / (1.0 + np.exp(-a[:, hidden:2 * hidden]))
        g = np.tanh(a[:, 2 * hidden:3 * hidden])
        o = 1.0 / (1.0 + np.exp(-a[:, 3 * hidden:]))
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
        gates[:, t] = np.concatenate([i, f, o, g], axis=1)
    return h, (x, h0, wx, wh, h, c, gates)
