# selftest: mutant
# description: running maximum initialised to 0: windows of negative numbers give 0 (and route to entry 0)
# expect-lose: maxpool2d_forward maxpool2d_backward
# expect-feedback: starts at 0
import numpy as np


def maxpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_out, W_out))
    argmax = np.zeros((N, C, H_out, W_out), dtype=int)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    best, where = 0.0, 0
                    for k in range(pool_height):
                        for l in range(pool_width):
                            value = x[n, c, i * stride + k, j * stride + l]
                            if value > best:
                                best, where = value, k * pool_width + l
                    out[n, c, i, j] = best
                    argmax[n, c, i, j] = where
    return out, (x, argmax, pool_height, pool_width, stride)
