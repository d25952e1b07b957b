"""Activation functions as pure elementwise op pairs, on any shape.

    out, cache = name_forward(x, *params, **hyper)    # hyperparameters are keyword-only
    grads      = name_backward(dout, cache)           # dx; prelu returns (dx, dalpha)

``dout`` and ``dx`` have the shape of ``x``. Hyperparameters travel in the cache, so a backward
never needs them again. At a kink the derivative is the one PyTorch uses: relu'(0) = 0, and
leaky_relu, prelu, elu and selu take their negative-side slope at exactly 0.
Every formula stays finite without warnings for |x| up to 1e3: exponentials only ever see
non-positive arguments.
"""

from __future__ import annotations

import numpy as np


def sigmoid_forward(x):
    """Logistic sigmoid.

    x: any shape. Returns out: x's shape and cache = out.
    Formula: \\sigma(x) = 1 / (1 + e^{-x}), evaluated as e^{x} / (1 + e^{x}) for x < 0.
    """
    # exp(-|x|) <= 1 never overflows; the two branches avoid cancellation in 1 - sigma.
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out


def sigmoid_backward(dout, cache):
    """Gradient of the sigmoid.

    dout: the shape of x; cache = out from sigmoid_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot \\sigma(x) (1 - \\sigma(x)).
    """
    out = cache
    return dout * out * (1.0 - out)


def tanh_forward(x):
    """Hyperbolic tangent.

    x: any shape. Returns out: x's shape and cache = out.
    Formula: \\tanh(x) = (e^{x} - e^{-x}) / (e^{x} + e^{-x}).
    """
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """Gradient of tanh.

    dout: the shape of x; cache = out from tanh_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot (1 - \\tanh^2(x)).
    """
    out = cache
    return dout * (1.0 - out * out)


def relu_forward(x):
    """Rectified linear unit.

    x: any shape. Returns out: x's shape and cache = x.
    Formula: \\mathrm{relu}(x) = \\max(x, 0).
    """
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """Gradient of relu, taking relu'(0) = 0 as PyTorch does.

    dout: the shape of x; cache = x from relu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot [x > 0].
    """
    x = cache
    return dout * (x > 0)


def leaky_relu_forward(x, *, alpha=0.01):
    """Leaky relu with slope alpha for negative inputs.

    x: any shape; alpha: float. Returns out: x's shape and cache = (x, alpha).
    Formula: out = x if x > 0 else \\alpha x.
    """
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    """Gradient of leaky relu; the slope at exactly 0 is alpha (PyTorch's convention).

    dout: the shape of x; cache = (x, alpha) from leaky_relu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot (1 if x > 0 else \\alpha).
    """
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)


def prelu_forward(x, alpha):
    """Parametric relu: leaky relu whose negative slope alpha is learned (torch.nn.PReLU).

    x: any shape when alpha has shape (); (N, C, ...) when alpha has shape (C,), one slope per
    channel along axis 1 (ValueError otherwise). alpha: array of shape () or (C,).
    Returns out: x's shape and cache = (x, alpha).
    Formula: out = x if x > 0 else \\alpha_c x, with c the index of x along axis 1.
    """
    alpha = np.asarray(alpha)
    # @shapes cannot express "shape () or (C,) matching axis 1 of x", so the check is inline.
    if alpha.ndim > 1 or (alpha.ndim == 1 and (np.ndim(x) < 2 or np.shape(x)[1] != alpha.shape[0])):
        raise ValueError(
            f"alpha: expected shape () or (C,) with C = x.shape[1], got shape {alpha.shape} "
            f"for x of shape {np.shape(x)}")
    a = alpha.reshape((1, -1) + (1,) * (np.ndim(x) - 2)) if alpha.ndim == 1 else alpha
    return np.where(x > 0, x, a * x), (x, alpha)


def prelu_backward(dout, cache):
    """Gradients of prelu with respect to x and to the slopes alpha.

    dout: the shape of x; cache = (x, alpha) from prelu_forward.
    Returns dx: the shape of x and dalpha: the shape of alpha (() or (C,)); the slope at
    exactly 0 is alpha, and there dalpha receives dout * 0.
    Formula: dx = dout \\odot (1 if x > 0 else \\alpha_c),\\ d\\alpha_c = \\sum_{i \\in c} dout_i\\, x_i [x_i \\le 0].
    """
    x, alpha = cache
    a = alpha.reshape((1, -1) + (1,) * (np.ndim(x) - 2)) if alpha.ndim == 1 else alpha
    dx = dout * np.where(x > 0, 1.0, a)
    contribution = dout * np.where(x > 0, 0.0, x)
    if alpha.ndim == 1:
        dalpha = contribution.sum(axis=tuple(i for i in range(np.ndim(x)) if i != 1))
    else:
        dalpha = np.array(contribution.sum())
    return dx, dalpha


def elu_forward(x, *, alpha=1.0):
    """Exponential linear unit.

    x: any shape; alpha: float. Returns out: x's shape and cache = (x, alpha).
    Formula: out = x if x > 0 else \\alpha (e^{x} - 1).
    """
    # min(x, 0) keeps exp from overflowing on the branch np.where discards.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), (x, alpha)


def elu_backward(dout, cache):
    """Gradient of elu; the slope at exactly 0 is alpha (PyTorch's convention).

    dout: the shape of x; cache = (x, alpha) from elu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot (1 if x > 0 else \\alpha e^{x}).
    """
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def selu_forward(x):
    """Scaled elu with the self-normalising constants of Klambauer et al. (torch.nn.SELU).

    x: any shape. Returns out: x's shape and cache = x.
    Formula: out = \\lambda x if x > 0 else \\lambda \\alpha (e^{x} - 1), with
    \\lambda = 1.0507009873554804934193349852946, \\alpha = 1.6732632423543772848170429916717.
    """
    scale = 1.0507009873554804934193349852946
    alpha = 1.6732632423543772848170429916717
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x


def selu_backward(dout, cache):
    """Gradient of selu; the slope at exactly 0 is \\lambda \\alpha (PyTorch's convention).

    dout: the shape of x; cache = x from selu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot \\lambda (1 if x > 0 else \\alpha e^{x}).
    """
    scale = 1.0507009873554804934193349852946
    alpha = 1.6732632423543772848170429916717
    x = cache
    return dout * scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def gelu_forward(x):
    """Exact Gaussian error linear unit: x times the standard normal CDF of x.

    x: any shape. Returns out: x's shape and cache = x.
    Formula: \\mathrm{gelu}(x) = x \\Phi(x) = \\tfrac{x}{2} (1 + \\mathrm{erf}(x / \\sqrt{2})).
    NumPy has no erf: use scipy.special.erf, imported inside this function
    (``from scipy.special import erf``); scipy is part of the course environment.
    """
    # Importing here keeps the body self-contained when it is inlined into a notebook; a
    # np.vectorize(math.erf) would be exact too but about ten times slower.
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))), x


def gelu_backward(dout, cache):
    """Gradient of the exact gelu.

    dout: the shape of x; cache = x from gelu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot (\\Phi(x) + x \\varphi(x)),\\ \\varphi(x) = e^{-x^2/2} / \\sqrt{2\\pi}.
    Uses scipy.special.erf for \\Phi, imported inside this function as in gelu_forward.
    """
    from scipy.special import erf

    x = cache
    cdf = 0.5 * (1.0 + erf(x / np.sqrt(2.0)))
    pdf = np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
    return dout * (cdf + x * pdf)


def gelu_tanh_forward(x):
    """Gelu with the tanh approximation of Hendrycks & Gimpel (torch gelu, approximate='tanh').

    x: any shape. Returns out: x's shape and cache = x.
    Formula: out = \\tfrac{x}{2} (1 + \\tanh(u)),\\ u = \\sqrt{2/\\pi}\\, (x + 0.044715 x^3).
    """
    u = np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + np.tanh(u)), x


def gelu_tanh_backward(dout, cache):
    """Gradient of the tanh-approximated gelu.

    dout: the shape of x; cache = x from gelu_tanh_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot (\\tfrac{1}{2}(1 + t) + \\tfrac{x}{2}(1 - t^2) \\sqrt{2/\\pi}\\, (1 + 3 \\cdot 0.044715 x^2)),\\ t = \\tanh(u).
    """
    x = cache
    c = np.sqrt(2.0 / np.pi)
    t = np.tanh(c * (x + 0.044715 * x**3))
    return dout * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * x * x))


def softplus_forward(x, *, beta=1.0):
    """Softplus, a smooth relu; beta > 0 sharpens it (torch.nn.Softplus without its threshold).

    x: any shape; beta: positive float. Returns out: x's shape and cache = (x, beta).
    Formula: out = \\tfrac{1}{\\beta} \\log(1 + e^{\\beta x}) = \\tfrac{1}{\\beta} (\\max(\\beta x, 0) + \\log(1 + e^{-|\\beta x|})).
    """
    # The rewritten form never exponentiates a positive number: softplus(1000) is 1000, not inf.
    z = beta * x
    return (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta, (x, beta)


def softplus_backward(dout, cache):
    """Gradient of softplus: the sigmoid of beta x.

    dout: the shape of x; cache = (x, beta) from softplus_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot \\sigma(\\beta x).
    """
    x, beta = cache
    e = np.exp(-np.abs(beta * x))
    return dout * np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def silu_forward(x):
    """Sigmoid linear unit, also called swish (torch.nn.SiLU).

    x: any shape. Returns out: x's shape and cache = (x, s) with s = \\sigma(x), x's shape.
    Formula: \\mathrm{silu}(x) = x \\sigma(x).
    """
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return x * s, (x, s)


def silu_backward(dout, cache):
    """Gradient of silu.

    dout: the shape of x; cache = (x, s) from silu_forward. Returns dx: the shape of x.
    Formula: dx = dout \\odot \\sigma(x) (1 + x (1 - \\sigma(x))).
    """
    x, s = cache
    return dout * s * (1.0 + x * (1.0 - s))
