# selftest: alternative
# description: lstm_forward/lstm_backward built from the step functions (CS231n style): the cache is a list of step caches
import numpy as np


def lstm_forward(x, h0, wx, wh, b):
    n, t_len, _ = x.shape
    h = np.zeros((n, t_len, h0.shape[1]))
    state, cell, caches = h0, np.zeros_like(h0), []
    for t in range(t_len):
        state, cell, step_cache = lstm_step_forward(x[:, t, :], state, cell, wx, wh, b)
        h[:, t, :] = state
        caches.append(step_cache)
    return h, caches


def lstm_backward(dh, cache):
    n, t_len, hidden = dh.shape
    x0, _, _, wx, wh = cache[0][:5]
    dx = np.zeros((n, t_len, x0.shape[1]))
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros(4 * hidden)
    dh_prev, dc_prev = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in range(t_len - 1, -1, -1):
        dx[:, t, :], dh_prev, dc_prev, dwx_t, dwh_t, db_t = lstm_step_backward(dh[:, t, :] + dh_prev, dc_prev, cache[t])
        dwx += dwx_t
        dwh += dwh_t
        db += db_t
    return dx, dh_prev, dwx, dwh, db
