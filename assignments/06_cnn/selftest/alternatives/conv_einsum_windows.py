# selftest: alternative
# description: vectorised convolution: every window at once with sliding_window_view and np.einsum
import numpy as np


def conv2d_forward_naive(x, w, b, *, stride=1, pad=0):
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    HH, WW = w.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("ncijkl,fckl->nfij", windows, w) + b[None, :, None, None]
    return out, (x, w, b, stride, pad)


def conv2d_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.einsum("ncijkl,nfij->fckl", windows, dout)
    db = dout.sum(axis=(0, 2, 3))
    dwindows = np.einsum("nfij,fckl->ncijkl", dout, w)
    dx_pad = np.zeros_like(x_pad)
    for k in range(HH):
        for l in range(WW):
            dx_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += dwindows[:, :, :, :, k, l]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
