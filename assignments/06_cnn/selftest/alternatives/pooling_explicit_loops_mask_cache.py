# selftest: alternative
# description: pooling with six nested loops; max pooling caches a one-hot mask per window instead of argmax
import numpy as np


def maxpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.empty((N, C, H_out, W_out))
    mask = np.zeros((N, C, H_out, W_out, pool_height, pool_width), dtype=bool)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    best, at = -np.inf, None
                    for k in range(pool_height):
                        for l in range(pool_width):
                            value = x[n, c, i * stride + k, j * stride + l]
                            if value > best:
                                best, at = value, (k, l)
                    out[n, c, i, j] = best
                    mask[(n, c, i, j) + at] = True
    return out, (x.shape, mask, stride)


def maxpool2d_backward(dout, cache):
    shape, mask, stride = cache
    N, C, H_out, W_out, ph, pw = mask.shape
    dx = np.zeros(shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    dx[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw] += mask[n, c, i, j] * dout[n, c, i, j]
    return dx


def avgpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0
                    for k in range(pool_height):
                        for l in range(pool_width):
                            total += x[n, c, i * stride + k, j * stride + l]
                    out[n, c, i, j] = total / (pool_height * pool_width)
    return out, (x, pool_height, pool_width, stride)


def avgpool2d_backward(dout, cache):
    x, pool_height, pool_width, stride = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    for k in range(pool_height):
                        for l in range(pool_width):
                            dx[n, c, i * stride + k, j * stride + l] += dout[n, c, i, j] / (pool_height * pool_width)
    return dx
