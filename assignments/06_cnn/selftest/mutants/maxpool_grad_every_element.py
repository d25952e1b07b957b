# selftest: mutant
# description: max-pool gradient sent to every element of the window instead of its maximum
# expect-lose: maxpool2d_backward
# expect-feedback: every element
import numpy as np


def maxpool2d_backward(dout, cache):
    x, argmax, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + pool_height)
            cols = slice(j * stride, j * stride + pool_width)
            dx[:, :, rows, cols] += dout[:, :, i, j, None, None]
    return dx
