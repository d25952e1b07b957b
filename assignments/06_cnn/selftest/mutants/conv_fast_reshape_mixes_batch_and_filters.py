# selftest: mutant
# description: im2col forward reshapes the (F, N*H'*W') product straight to (N, F, H', W') instead of (F, N, H', W') then transposing
# expect-lose: conv2d_forward
# expect-feedback: reshape to (F, N, H', W')
import numpy as np


def conv2d_forward(x, w, b, *, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if stride < 1 or pad < 0:
        raise ValueError(f"conv2d: need stride >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"conv2d: kernel {HH}x{WW} is larger than the padded input {H + 2 * pad}x{W + 2 * pad}")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    # A read-only view (N, C, H', W', HH, WW) of every window; no data is copied until the reshape.
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * HH * WW, N * H_out * W_out)
    out = w.reshape(F, -1) @ cols + b[:, None]
    out = out.reshape(N, F, H_out, W_out)
    return out, (x, w, b, stride, pad, cols)
