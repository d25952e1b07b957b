"""A tiny stand-in for the reference package, for the build's tests."""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


def _private_helper(x):
    return 2.0 * x


@shapes(x=("N", "D"))
def scale_forward(x, *, factor=2.0):
    """Multiply by a constant.

    x: (N, D). Returns out: (N, D) and cache = factor.
    Formula: out = factor x.
    """
    # Scaling keeps the shape.
    out = factor * x
    return out, factor


def scale_backward(dout, cache):
    """Gradient of scale.

    dout: (N, D); cache = factor. Returns dx: (N, D).
    Formula: dx = factor dout.
    """
    factor = cache
    return factor * dout


def cube_forward(x):
    """Cube every entry.

    x: any shape. Returns out: x's shape and cache = x.
    Formula: out = x^3.
    """
    return x ** 3, x


def cube_backward(dout, cache):
    """Gradient of the cube.

    dout: x's shape; cache = x. Returns dx: x's shape.
    Formula: dx = 3 x^2 dout.
    """
    x = cache
    return 3.0 * x * x * dout


def mean_square(x):
    """Mean of squares, a plain graded function that is not an op pair.

    x: any shape. Returns a float.
    Formula: \\frac{1}{n} \\sum x_i^2.
    """
    return float(np.mean(x * x))


def uses_private(x):
    """Calls a module-private helper, which the build must refuse to inline.

    x: any shape. Returns x's shape.
    """
    return _private_helper(x)
