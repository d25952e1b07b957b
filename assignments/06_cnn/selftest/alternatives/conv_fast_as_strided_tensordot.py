# selftest: alternative
# description: the fast convolution with as_strided windows and tensordot; the columns are (N H' W', C HH WW), transposed from the reference's, and col2im loops over output positions
import numpy as np


def conv2d_forward(x, w, b, *, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    sn, sc, sh, sw = x_pad.strides
    windows = np.lib.stride_tricks.as_strided(
        x_pad, shape=(N, H_out, W_out, C, HH, WW), strides=(sn, sh * stride, sw * stride, sc, sh, sw), writeable=False)
    rows = windows.reshape(N * H_out * W_out, C * HH * WW)
    out = np.tensordot(rows, w.reshape(F, -1), axes=([1], [1])) + b
    return out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2).copy(), (x.shape, w, stride, pad, rows)


def conv2d_backward(dout, cache):
    x_shape, w, stride, pad, rows = cache
    N, C, H, W = x_shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    d = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = np.tensordot(d, rows, axes=([0], [0])).reshape(w.shape)
    drows = (d @ w.reshape(F, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(H_out):
        for j in range(W_out):
            dx_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += drows[:, i, j]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=0)
