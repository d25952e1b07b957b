# selftest: mutant
# description: max-pool gradient not accumulated where windows overlap (window assigned with =)
# expect-lose: maxpool2d_backward
# expect-feedback: overwrite
import numpy as np


def maxpool2d_backward(dout, cache):
    x, argmax, pool_height, pool_width, stride = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + pool_height)
            cols = slice(j * stride, j * stride + pool_width)
            onehot = np.arange(pool_height * pool_width) == argmax[:, :, i, j, None]
            mask = onehot.reshape(N, C, pool_height, pool_width)
            dx[:, :, rows, cols] = mask * dout[:, :, i, j, None, None]
    return dx
