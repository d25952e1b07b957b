"""2-D pooling over NCHW images: max pooling and average pooling (re-exported by ``reference.conv``).

    out, cache = name_forward(x, *, pool_height=2, pool_width=2, stride=2)
    dx         = name_backward(dout, cache)

x: (N, C, H, W); each channel is pooled separately over pool_height x pool_width windows whose
top-left corners are ``stride`` apart (windows overlap when stride < pool size). No padding;
output sizes are floored like PyTorch's: H' = 1 + (H - pool_height) // stride, and trailing
rows/columns that do not fill a whole stride are ignored (their gradient is zero).
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes

__all__ = ["maxpool2d_forward", "maxpool2d_backward", "avgpool2d_forward", "avgpool2d_backward"]


@shapes(x=("N", "C", "H", "W"))
def maxpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    """2-D max pooling forward pass.

    x: (N, C, H, W). Returns (out, cache): out (N, C, H', W') with
    H' = 1 + (H - pool_height) // stride, W' = 1 + (W - pool_width) // stride;
    cache = (x, argmax, pool_height, pool_width, stride), where argmax (N, C, H', W') (int) is
    the position of the maximum inside its window flattened row-major (k * pool_width + l);
    on ties it is the first maximum in that order, as in PyTorch.
    Formula: out[n, c, i, j] = \\max_{k, l} x[n, c, i stride + k, j stride + l].
    Raises ValueError if stride < 1 or the window does not fit the input.
    """
    N, C, H, W = x.shape
    if stride < 1:
        raise ValueError(f"maxpool2d: need stride >= 1, got stride={stride}")
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"maxpool2d: window {pool_height}x{pool_width} is larger than the input {H}x{W}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_height, pool_width), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride].reshape(N, C, H_out, W_out, pool_height * pool_width)
    argmax = np.argmax(windows, axis=-1)
    out = np.take_along_axis(windows, argmax[..., None], axis=-1)[..., 0]
    return out, (x, argmax, pool_height, pool_width, stride)


@shapes(dout=("N", "C", None, None))
def maxpool2d_backward(dout, cache):
    """2-D max pooling backward pass: each window's gradient goes to its (first) maximum.

    dout: (N, C, H', W'). cache: (x, argmax, pool_height, pool_width, stride) from maxpool2d_forward.
    Returns dx (N, C, H, W); where windows overlap, an input that is the maximum of several
    windows receives the sum of their gradients.
    Formula: dx[n, c, i stride + k, j stride + l] += dout[n, c, i, j] for (k, l) = argmax[n, c, i, j].
    """
    x, argmax, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    # One strided add per window offset covers every window at once, overlaps included.
    for k in range(pool_height):
        for l in range(pool_width):
            picked = np.where(argmax == k * pool_width + l, dout, 0.0)
            dx[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += picked
    return dx


@shapes(x=("N", "C", "H", "W"))
def avgpool2d_forward(x, *, pool_height=2, pool_width=2, stride=2):
    """2-D average pooling forward pass.

    x: (N, C, H, W). Returns (out, cache): out (N, C, H', W') with
    H' = 1 + (H - pool_height) // stride, W' = 1 + (W - pool_width) // stride;
    cache = (x, pool_height, pool_width, stride).
    Formula: out[n, c, i, j] = \\frac{1}{pool_height pool_width} \\sum_{k, l} x[n, c, i stride + k, j stride + l].
    Raises ValueError if stride < 1 or the window does not fit the input.
    """
    N, C, H, W = x.shape
    if stride < 1:
        raise ValueError(f"avgpool2d: need stride >= 1, got stride={stride}")
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    if H_out < 1 or W_out < 1:
        raise ValueError(f"avgpool2d: window {pool_height}x{pool_width} is larger than the input {H}x{W}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_height, pool_width), axis=(2, 3))
    out = windows[:, :, ::stride, ::stride].mean(axis=(4, 5))
    return out, (x, pool_height, pool_width, stride)


@shapes(dout=("N", "C", None, None))
def avgpool2d_backward(dout, cache):
    """2-D average pooling backward pass: each window's gradient is shared equally by its inputs.

    dout: (N, C, H', W'). cache: (x, pool_height, pool_width, stride) from avgpool2d_forward.
    Returns dx (N, C, H, W); where windows overlap, contributions add up.
    Formula: dx[n, c, i stride + k, j stride + l] += dout[n, c, i, j] / (pool_height pool_width).
    """
    x, pool_height, pool_width, stride = cache
    _, _, H_out, W_out = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    share = dout / (pool_height * pool_width)
    for k in range(pool_height):
        for l in range(pool_width):
            dx[:, :, k:k + stride * H_out:stride, l:l + stride * W_out:stride] += share
    return dx
