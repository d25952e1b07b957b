# selftest: alternative
# description: the RNN step with einsum, the tanh written with exponentials of -2|z| (stable), and the derivative from z
import numpy as np


def rnn_step_forward(x, h_prev, wx, wh, b):
    z = np.einsum("nd,dh->nh", x, wx) + np.einsum("nj,jh->nh", h_prev, wh) + b[None, :]
    e = np.exp(-2.0 * np.abs(z))
    h_next = np.sign(z) * (1.0 - e) / (1.0 + e)
    return h_next, (x, h_prev, wx, wh, h_next, z)


def rnn_step_backward(dh_next, cache):
    x, h_prev, wx, wh, _, z = cache
    dz = dh_next / np.cosh(np.clip(z, -350.0, 350.0)) ** 2
    dx = np.einsum("nh,dh->nd", dz, wx)
    dh_prev = np.einsum("nh,jh->nj", dz, wh)
    dwx = np.einsum("nd,nh->dh", x, dz)
    dwh = np.einsum("nj,nh->jh", h_prev, dz)
    return dx, dh_prev, dwx, dwh, np.einsum("nh->h", dz)
