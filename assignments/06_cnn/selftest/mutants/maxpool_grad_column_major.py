# selftest: mutant
# description: maxpool2d_backward decoding the argmax column-major (k = a % pool_height): gradients routed to the wrong entry of non-square or off-diagonal windows
# expect-lose: maxpool2d_backward
# expect-feedback: no window's (first) maximum
import numpy as np


def maxpool2d_backward(dout, cache):
    x, argmax, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(H_out):
                for j in range(W_out):
                    k, l = argmax[n, c, i, j] % pool_height, argmax[n, c, i, j] // pool_height
                    if k < pool_height and l < pool_width:
                        dx[n, c, i * stride + k, j * stride + l] += dout[n, c, i, j]
    return dx
