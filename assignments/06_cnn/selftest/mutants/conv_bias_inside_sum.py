# selftest: mutant
# description: conv2d_forward_naive adding the bias inside the sum (to every product of the window)
# expect-lose: conv2d_forward_naive
# expect-feedback: bias is added inside the sum
import numpy as np


def conv2d_forward_naive(x, w, b, *, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if stride < 1 or pad < 0:
        raise ValueError(f"conv2d: need stride >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError("conv2d: kernel larger than the padded input")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f] + b[f])
    return out, (x, w, b, stride, pad)
