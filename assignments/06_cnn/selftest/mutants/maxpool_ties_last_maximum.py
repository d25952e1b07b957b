# selftest: mutant
# description: max-pool backward recomputes each window's maximum and, on ties, routes the gradient to the last one (PyTorch and the docstring take the first)
# expect-lose: maxpool2d_backward
# expect-feedback: windows whose maximum is tied
import numpy as np


def maxpool2d_backward(dout, cache):
    x, _, ph, pw, stride = cache
    n, c, rows, cols = dout.shape
    dx = np.zeros_like(x)
    for i in range(rows):
        for j in range(cols):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].reshape(n, c, -1)
            last = window.shape[-1] - 1 - np.argmax(window[:, :, ::-1], axis=-1)
            for a in range(n):
                for b in range(c):
                    k, l = divmod(int(last[a, b]), pw)
                    dx[a, b, i * stride + k, j * stride + l] += dout[a, b, i, j]
    return dx
