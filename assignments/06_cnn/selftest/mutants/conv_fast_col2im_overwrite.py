# selftest: mutant
# description: col2im assigns (=) each kernel offset's slab instead of adding (+=): overlapping windows overwrite each other
# expect-lose: conv2d_backward
# expect-feedback: overwrite
import numpy as np


def conv2d_backward(dout, cache):
    x, w, b, stride, pad, cols = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    d = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
    db = dout.sum(axis=(0, 2, 3))
    dw = (d @ cols.T).reshape(w.shape)
    dcols = (w.reshape(F, -1).T @ d).reshape(C, HH, WW, N, H_out, W_out)
    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=dcols.dtype)
    # HH * WW strided adds, each covering every window at once, instead of np.add.at per element.
    for k in range(HH):
        for l in range(WW):
            dx_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] = dcols[:, k, l]
    dx = np.ascontiguousarray(dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3))
    return dx, dw, db
