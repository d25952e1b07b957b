"""Convolutional-network ops: 2-D convolution (naive and fast), pooling and flatten.

    out, cache = name_forward(x, *params, **hyper)
    grads      = name_backward(dout, cache)      # dx, or (dx, dw, db) for conv2d

Images are NCHW: x (N, C, H, W); a convolution kernel is w (F, C, HH, WW) with bias b (F,).
Convolution is cross-correlation (the kernel is not flipped, as in every deep-learning library)
over a zero-padded input. Output sizes are floored like PyTorch's: with P = H + 2 pad - HH,
H' = 1 + P // stride, and trailing rows/columns that do not fill a whole stride are ignored.

``conv2d_forward_naive`` / ``conv2d_backward_naive`` are explicit loops (what students write);
``conv2d_forward`` / ``conv2d_backward`` compute the same numbers with im2col and one matrix
product, fast enough for grading and training. Pooling lives in ``reference.pooling`` and is
imported here by name: ``maxpool2d_*``, ``avgpool2d_*``.
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes
from reference.pooling import avgpool2d_backward, avgpool2d_forward, maxpool2d_backward, maxpool2d_forward

__all__ = [
    "conv2d_forward_naive", "conv2d_backward_naive",
    "conv2d_forward", "conv2d_backward",
    "maxpool2d_forward", "maxpool2d_backward",
    "avgpool2d_forward", "avgpool2d_backward",
    "flatten_forward", "flatten_backward",
]


@shapes(x=("N", "C", "H", "W"), w=("F", "C", "HH", "WW"), b=("F",))
def conv2d_forward_naive(x, w, b, *, stride=1, pad=0):
    """2-D convolution (cross-correlation) forward pass, with explicit loops.

    x: (N, C, H, W) images. w: (F, C, HH, WW) filters. b: (F,) biases.
    stride: step between windows (int >= 1). pad: zeros added on each side of H and W (int >= 0).
    Returns (out, cache): out (N, F, H', W') with H' = 1 + (H + 2 pad - HH) // stride and
    W' = 1 + (W + 2 pad - WW) // stride (floored: leftover rows/columns are ignored);
    cache = (x, w, b, stride, pad).
    Formula: out[n, f, i, j] = b[f] + \\sum_{c, k, l} xpad[n, c, i stride + k, j stride + l] w[f, c, k, l].
    Raises ValueError if stride < 1, pad < 0 or the kernel does not fit the padded input.
    """
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if stride < 1 or pad < 0:
        raise ValueError(f"conv2d: need stride >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"conv2d: kernel {HH}x{WW} is larger than the padded input {H + 2 * pad}x{W + 2 * pad}")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, stride, pad)


@shapes(dout=("N", "F", None, None))
def conv2d_backward_naive(dout, cache):
    """2-D convolution backward pass, with explicit loops.

    dout: (N, F, H', W') upstream gradient. cache: (x, w, b, stride, pad) from conv2d_forward_naive.
    Returns (dx, dw, db): dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    Formula: db[f] = \\sum_{n,i,j} dout[n,f,i,j]; every window that produced out[n,f,i,j] gets
    dxpad[window] += w[f] dout[n,f,i,j] and dw[f] += xpad[window] dout[n,f,i,j]; dx = dxpad without the padding.
    """
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros(x_pad.shape, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, x))
    db = dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dx_pad[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    dw[f] += x_pad[n, :, rows, cols] * dout[n, f, i, j]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W].copy()
    return dx, dw, db


@shapes(x=("N", "C", "H", "W"), w=("F", "C", "HH", "WW"), b=("F",))
def conv2d_forward(x, w, b, *, stride=1, pad=0):
    """2-D convolution (cross-correlation) forward pass, vectorised with im2col.

    Same arguments, output and formula as conv2d_forward_naive:
    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,) -> out (N, F, H', W'),
    H' = 1 + (H + 2 pad - HH) // stride, W' = 1 + (W + 2 pad - WW) // stride.
    cache = (x, w, b, stride, pad, cols) where cols (C HH WW, N H' W') holds every window as a
    column, rows ordered (c, k, l) and columns (n, i, j): out = w.reshape(F, -1) @ cols + b.
    Raises ValueError if stride < 1, pad < 0 or the kernel does not fit the padded input.
    """
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
    out = np.ascontiguousarray(out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3))
    return out, (x, w, b, stride, pad, cols)


@shapes(dout=("N", "F", None, None))
def conv2d_backward(dout, cache):
    """2-D convolution backward pass, vectorised (col2im by a loop over the HH x WW kernel offsets).

    dout: (N, F, H', W'). cache: (x, w, b, stride, pad, cols) from conv2d_forward.
    Returns (dx, dw, db): dx (N, C, H, W), dw (F, C, HH, WW), db (F,), equal to conv2d_backward_naive's.
    Formula: with D = dout as (F, N H' W'): db = D 1, dw = D cols^T, dcols = w^T D, and dx
    scatters each column of dcols back onto the window it came from (overlaps add up).
    """
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
            dx_pad[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += dcols[:, k, l]
    dx = np.ascontiguousarray(dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3))
    return dx, dw, db


@shapes(x=("N", None, ...))
def flatten_forward(x):
    """Flatten every sample into a row vector (the bridge from conv/pool layers to linear layers).

    x: (N, d1, ..., dk). Returns (out, cache): out (N, d1 ... dk) in C (row-major) order,
    a fresh array; cache = x.shape.
    Formula: out[n] = vec(x[n]).
    """
    # An explicit size, not -1, so that an empty batch (N = 0) still reshapes.
    return x.reshape(x.shape[0], int(np.prod(x.shape[1:]))).copy(), x.shape


@shapes(dout=("N", None))
def flatten_backward(dout, cache):
    """Backward of flatten_forward: reshape the gradient back to the input's shape.

    dout: (N, d1 ... dk). cache: the input shape (N, d1, ..., dk). Returns dx (N, d1, ..., dk).
    Formula: dx[n] = unvec(dout[n]).
    """
    return dout.reshape(cache).copy()
