# selftest: mutant
# description: average-pool gradient not accumulated where windows overlap (window assigned with =)
# expect-lose: avgpool2d_backward
# expect-feedback: overwrite
import numpy as np


def avgpool2d_backward(dout, cache):
    x, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + pool_height)
            cols = slice(j * stride, j * stride + pool_width)
            dx[:, :, rows, cols] = np.broadcast_to(dout[:, :, i, j, None, None] / (pool_height * pool_width),
                                                   dx[:, :, rows, cols].shape)
    return dx
