# selftest: mutant
# description: max-pool backward with a mask window == max: on ties every maximum gets the gradient
# expect-lose: maxpool2d_backward
# expect-feedback: ties
import numpy as np


def maxpool2d_backward(dout, cache):
    x, argmax, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + pool_height)
            cols = slice(j * stride, j * stride + pool_width)
            window = x[:, :, rows, cols]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, rows, cols] += mask * dout[:, :, i, j, None, None]
    return dx
