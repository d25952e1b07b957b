# selftest: alternative
# description: max pooling vectorised with flat input indices in the cache and np.add.at in the backward
import numpy as np


def maxpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    rows = (np.arange(H_out) * stride)[:, None, None, None] + np.arange(pool_height)[None, None, :, None]
    cols = (np.arange(W_out) * stride)[None, :, None, None] + np.arange(pool_width)[None, None, None, :]
    flat = (rows * W + cols).reshape(H_out, W_out, pool_height * pool_width)   # input index of each window entry
    values = x.reshape(N, C, H * W)[:, :, flat]                                  # (N, C, H', W', ph pw)
    first = values.argmax(axis=-1)
    out = values.max(axis=-1)
    where = np.take_along_axis(np.broadcast_to(flat, values.shape), first[..., None], axis=-1)[..., 0]
    return out, (x.shape, where)


def maxpool2d_backward(dout, cache):
    shape, where = cache
    N, C, H, W = shape
    dx = np.zeros((N, C, H * W))
    n_idx = np.arange(N)[:, None, None, None]
    c_idx = np.arange(C)[None, :, None, None]
    np.add.at(dx, (n_idx, c_idx, where), dout)
    return dx.reshape(shape)
