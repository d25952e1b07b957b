# selftest: alternative
# description: prelu by moving the channel axis last (np.moveaxis) and a Python loop over channels; dalpha accumulated per channel
import numpy as np


def prelu_forward(x, alpha):
    alpha = np.asarray(alpha, dtype=float)
    out = np.array(x, dtype=float, copy=True)
    if alpha.ndim == 0:
        return np.where(x > 0, x, alpha * x), (x, alpha)
    moved = np.moveaxis(out, 1, -1)
    for c in range(alpha.shape[0]):
        channel = moved[..., c]
        moved[..., c] = np.where(channel > 0, channel, alpha[c] * channel)
    return out, (x, alpha)


def prelu_backward(dout, cache):
    x, alpha = cache
    if alpha.ndim == 0:
        negative = x <= 0
        return dout * np.where(negative, alpha, 1.0), np.array(np.sum(dout[negative] * x[negative]))
    dx = np.empty_like(dout, dtype=float)
    dalpha = np.zeros(alpha.shape)
    for c in range(alpha.shape[0]):
        xc, dc = x[:, c], dout[:, c]
        negative = xc <= 0
        dx[:, c] = np.where(negative, alpha[c] * dc, dc)
        dalpha[c] = np.sum(dc[negative] * xc[negative])
    return dx, dalpha
