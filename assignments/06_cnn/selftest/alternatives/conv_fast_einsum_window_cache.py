# selftest: alternative
# description: the fast convolution as one einsum over a strided window view; the cache keeps the padded input (no cols), the backward scatters with np.add.at
import numpy as np


def conv2d_forward(x, w, b, *, stride=1, pad=0):
    HH, WW = w.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("ncijkl,fckl->nfij", windows, w, optimize=True) + b[None, :, None, None]
    return out, {"x_pad": x_pad, "w": w, "stride": stride, "pad": pad, "x_shape": x.shape}


def conv2d_backward(dout, cache):
    x_pad, w, stride, pad = cache["x_pad"], cache["w"], cache["stride"], cache["pad"]
    N, C, H, W = cache["x_shape"]
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.einsum("ncijkl,nfij->fckl", windows, dout, optimize=True)
    dwindows = np.einsum("nfij,fckl->ncijkl", dout, w, optimize=True)
    rows = (np.arange(H_out) * stride)[:, None, None, None] + np.arange(HH)[None, None, :, None]
    cols = (np.arange(W_out) * stride)[None, :, None, None] + np.arange(WW)[None, None, None, :]
    dx_pad = np.zeros(x_pad.shape)
    np.add.at(dx_pad, (slice(None), slice(None), rows, cols), dwindows)
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
