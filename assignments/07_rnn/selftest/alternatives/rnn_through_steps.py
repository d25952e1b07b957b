# selftest: alternative
# description: rnn_forward/rnn_backward built from the step functions (CS231n style): the cache is a list of step caches
import numpy as np


def rnn_forward(x, h0, wx, wh, b):
    n, t_len, _ = x.shape
    h = np.zeros((n, t_len, h0.shape[1]))
    caches = []
    state = h0
    for t in range(t_len):
        state, step_cache = rnn_step_forward(x[:, t, :], state, wx, wh, b)
        h[:, t, :] = state
        caches.append(step_cache)
    return h, caches


def rnn_backward(dh, cache):
    n, t_len, hidden = dh.shape
    x0, _, wx, wh, _ = cache[0]
    dx = np.zeros((n, t_len, x0.shape[1]))
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros(hidden)
    dh_prev = np.zeros((n, hidden))
    for t in range(t_len - 1, -1, -1):
        dx_t, dh_prev, dwx_t, dwh_t, db_t = rnn_step_backward(dh[:, t, :] + dh_prev, cache[t])
        dx[:, t, :] = dx_t
        dwx += dwx_t
        dwh += dwh_t
        db += db_t
    return dx, dh_prev, dwx, dwh, db
