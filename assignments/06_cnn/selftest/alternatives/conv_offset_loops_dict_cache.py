# selftest: alternative
# description: loops over the kernel offsets (k, l), vectorised over images and positions; a dict cache with the padded input
import numpy as np


def conv2d_forward_naive(x, w, b, *, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:pad + H, pad:pad + W] = x
    out = np.tile(b.reshape(1, F, 1, 1), (N, 1, H_out, W_out)).astype(float)
    for k in range(HH):
        for l in range(WW):
            patch = x_pad[:, :, k:k + stride * (H_out - 1) + 1:stride, l:l + stride * (W_out - 1) + 1:stride]
            out += np.tensordot(patch, w[:, :, k, l], axes=([1], [1])).transpose(0, 3, 1, 2)
    return out, {"x_pad": x_pad, "w": w, "stride": stride, "pad": pad, "size": np.array([H, W])}


def conv2d_backward_naive(dout, cache):
    x_pad, w, stride, pad = cache["x_pad"], cache["w"], cache["stride"], cache["pad"]
    H, W = (int(v) for v in cache["size"])
    F, C, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for k in range(HH):
        for l in range(WW):
            rows = slice(k, k + stride * (H_out - 1) + 1, stride)
            cols = slice(l, l + stride * (W_out - 1) + 1, stride)
            patch = x_pad[:, :, rows, cols]                      # (N, C, H', W')
            dw[:, :, k, l] = np.tensordot(dout, patch, axes=([0, 2, 3], [0, 2, 3]))
            dx_pad[:, :, rows, cols] += np.tensordot(dout, w[:, :, k, l], axes=([1], [0])).transpose(0, 3, 1, 2)
    db = np.sum(dout, axis=(0, 2, 3))
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
