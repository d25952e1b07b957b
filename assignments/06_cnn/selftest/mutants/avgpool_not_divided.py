# selftest: mutant
# description: average pooling not divided by the window size (window sums), forward and backward
# expect-lose: avgpool2d_forward avgpool2d_backward
# expect-feedback: window size
import numpy as np


def avgpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + pool_height, j * stride:j * stride + pool_width]
            out[:, :, i, j] = window.sum(axis=(2, 3))
    return out, (x, pool_height, pool_width, stride)


def avgpool2d_backward(dout, cache):
    x, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + pool_height)
            cols = slice(j * stride, j * stride + pool_width)
            dx[:, :, rows, cols] += dout[:, :, i, j, None, None]
    return dx
