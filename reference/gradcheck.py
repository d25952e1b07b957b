"""Gradient checking: the one central-difference checker every backward is verified with.

    numerical_gradient(f, x, h) -> df/dx        f: ndarray -> scalar
    rel_error(a, b)             -> float        normwise relative error
    gradient_check(forward, backward, args)     -> {arg index: rel error}
    curved_function(a, b)       -> (f, grad_f)  a smooth test function for numerical_gradient
                                                (02's notebook and its hidden suite share it)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function.

    x: any shape, float64. Returns an array of x's shape.
    Formula: df/dx_i \\approx (f(x + h e_i) - f(x - h e_i)) / (2h).
    ``x`` is perturbed in a private copy, so the caller's array is never touched.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = float(f(x))
        flat[i] = old - h
        minus = float(f(x))
        flat[i] = old
        gflat[i] = (plus - minus) / (2.0 * h)
    return grad


def rel_error(a, b, eps: float = 1e-12) -> float:
    """Normwise relative error ||a - b|| / max(||a|| + ||b||, eps).

    Normwise (not elementwise) because elementwise ratios blow up on gradient entries that are
    zero up to round-off; this is the quantity the course's 1e-7 thresholds refer to.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    denom = max(float(np.linalg.norm(a) + np.linalg.norm(b)), eps)
    return float(np.linalg.norm(a - b)) / denom


def gradient_check(
    forward: Callable,
    backward: Callable,
    args: Sequence,
    *,
    wrt: Sequence[int] | None = None,
    kwargs: dict | None = None,
    rng: np.random.Generator | None = None,
    h: float = 1e-6,
) -> dict[int, float]:
    """Compare an op pair's analytic gradients with central differences.

    forward(*args, **kwargs) -> (out, cache); backward(dout, cache) -> grads, one per entry of
    ``wrt`` (a single array when ``wrt`` has one entry). ``wrt`` defaults to every ndarray
    argument. A random upstream gradient dout turns the op into the scalar sum(out * dout).
    Returns {argument index: rel_error(analytic, numeric)}.
    """
    kwargs = dict(kwargs or {})
    rng = rng if rng is not None else np.random.default_rng(0)
    if wrt is None:
        wrt = [i for i, a in enumerate(args) if isinstance(a, np.ndarray)]
    out, cache = forward(*args, **kwargs)
    dout = rng.standard_normal(np.shape(out))
    grads = backward(dout, cache)
    if len(wrt) == 1 and not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) < len(wrt):
        raise ValueError(f"gradient_check: backward returned {len(grads)} gradients, expected {len(wrt)}")
    errors = {}
    for position, index in enumerate(wrt):
        def scalar(value, index=index):
            trial = list(args)
            trial[index] = value
            return float(np.sum(forward(*trial, **kwargs)[0] * dout))

        numeric = numerical_gradient(scalar, args[index], h=h)
        errors[index] = rel_error(grads[position], numeric)
    return errors


def curved_function(a, b):
    """A smooth scalar test function of an array x, and its exact gradient.

    a: x's shape (or broadcastable to it); b: x's shape. Returns (f, grad_f):
    f(x) = sum(a * sin(x)) + (sum(b * x))**3 / 6, grad_f(x) = a * cos(x) + (sum(b * x))**2 / 2 * b.
    Every entry of x interacts with every other (through sum(b * x)) and f is curved in every
    direction, which is what a numerical-gradient routine should be tested on.
    """
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)

    def f(x):
        s = np.sum(b * x)
        return float(np.sum(a * np.sin(x)) + s**3 / 6.0)

    def grad_f(x):
        s = np.sum(b * x)
        return a * np.cos(x) + 0.5 * s**2 * b

    return f, grad_f
