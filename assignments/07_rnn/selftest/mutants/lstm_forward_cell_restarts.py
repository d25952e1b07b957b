# selftest: mutant
# description: lstm_forward carries h but restarts the cell from zero at every step
# expect-lose: lstm_forward
# expect-feedback: cell state was not carried
import numpy as np


def lstm_forward(x, h0, wx, wh, b):
    n, t_len, _ = x.shape
    hidden = h0.shape[1]
    h = np.zeros((n, t_len, hidden))
    c = np.zeros((n, t_len, hidden))
    gates = np.zeros((n, t_len, 4 * hidden))
    h_prev = h0
    for t in range(t_len):
        zeros = np.zeros((n, hidden))
        h_prev, c_t, (_, _, _, _, _, i, f, o, g, _) = lstm_step_forward(x[:, t], h_prev, zeros, wx, wh, b)
        h[:, t], c[:, t] = h_prev, c_t
        gates[:, t] = np.concatenate([i, f, o, g], axis=1)
    return h, (x, h0, wx, wh, h, c, gates)
