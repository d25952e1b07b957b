# selftest: mutant
# description: output size rounded up (ceil) instead of down: the last window runs past the padded input
# expect-lose: conv2d_forward_naive
# expect-feedback: raised
import math

import numpy as np


def conv2d_forward_naive(x, w, b, *, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + math.ceil((H + 2 * pad - HH) / stride)
    W_out = 1 + math.ceil((W + 2 * pad - WW) / stride)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, stride, pad)
