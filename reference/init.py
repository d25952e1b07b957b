"""Weight initialisation: variance-scaling schemes with PyTorch's fan conventions.

    w = scheme(fan_in, fan_out, *, rng, gain=...)       -> (fan_in, fan_out)   linear's w layout
    w = scheme(shape=(F, C, k1, ..., kn), rng=rng, ...)  -> that shape          conv weights

For a conv shape, fan_in = C * k1 * ... * kn and fan_out = F * k1 * ... * kn, as in
torch.nn.init. Give either both fans or a shape (of at least 3 dimensions: a 2-D shape would be
ambiguous between our (in, out) layout and PyTorch's (out, in)), never both.
Draws are exactly one call, ``rng.uniform(-bound, bound, size=shape)`` or
``rng.normal(0.0, std, size=shape)``, so the same generator state gives the same weights.

    xavier (Glorot): bound = gain * sqrt(6 / (fan_in + fan_out)),  std = gain * sqrt(2 / (fan_in + fan_out))
    he (Kaiming, fan_in mode, gain sqrt(2) for ReLU): bound = gain * sqrt(3 / fan_in),  std = gain / sqrt(fan_in)
    lecun: std = gain / sqrt(fan_in) with gain 1 (a plain normal, as kaiming_normal_ with
           nonlinearity="linear"; not the truncated normal of some other libraries)
"""

from __future__ import annotations

import math


def _layout(fan_in, fan_out, shape):
    """(shape, fan_in, fan_out) from both fans or from a conv shape, by the rules above.

    The graded schemes (xavier_uniform and he_normal: 03's solution cells name them) spell these
    lines out instead, because a graded function is inlined into the notebook and may not call
    a module-private helper (docs/internals.md section 1).
    """
    if shape is None:
        if fan_in is None or fan_out is None:
            raise ValueError("fan_in, fan_out: both are required when shape is not given")
        shape = (fan_in, fan_out)
    elif fan_in is not None or fan_out is not None:
        raise ValueError("shape: give either fan_in and fan_out or shape, not both")
    elif len(shape) < 3:
        raise ValueError(f"shape: expected a conv shape (F, C, k1, ...), got shape {tuple(shape)}")
    else:
        receptive = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in, fan_out: expected positive sizes, got {fan_in}, {fan_out}")
    return tuple(shape), fan_in, fan_out


def xavier_uniform(fan_in=None, fan_out=None, *, rng, gain=1.0, shape=None):
    """Glorot/Xavier uniform initialisation.

    fan_in, fan_out: positive ints, output shape (fan_in, fan_out); or shape: (F, C, k1, ...)
    with fan_in = C * k1 * ..., fan_out = F * k1 * ... (ValueError for both, neither, or a
    shape with fewer than 3 dimensions); rng: np.random.Generator; gain: scale factor.
    Returns w: (fan_in, fan_out) or shape, float64, drawn as rng.uniform(-bound, bound, size).
    Formula: w \\sim U[-a, a],\\ a = \\mathrm{gain}\\sqrt{6 / (\\mathrm{fan\\_in} + \\mathrm{fan\\_out})}.
    """
    if shape is None:
        if fan_in is None or fan_out is None:
            raise ValueError("fan_in, fan_out: both are required when shape is not given")
        shape = (fan_in, fan_out)
    elif fan_in is not None or fan_out is not None:
        raise ValueError("shape: give either fan_in and fan_out or shape, not both")
    elif len(shape) < 3:
        raise ValueError(f"shape: expected a conv shape (F, C, k1, ...), got shape {tuple(shape)}")
    else:
        receptive = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in, fan_out: expected positive sizes, got {fan_in}, {fan_out}")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=tuple(shape))


def xavier_normal(fan_in=None, fan_out=None, *, rng, gain=1.0, shape=None):
    """Glorot/Xavier normal initialisation.

    fan_in, fan_out: positive ints, output shape (fan_in, fan_out); or shape: (F, C, k1, ...)
    with fan_in = C * k1 * ..., fan_out = F * k1 * ... (ValueError for both, neither, or a
    shape with fewer than 3 dimensions); rng: np.random.Generator; gain: scale factor.
    Returns w: (fan_in, fan_out) or shape, float64, drawn as rng.normal(0.0, std, size).
    Formula: w \\sim N(0, s^2),\\ s = \\mathrm{gain}\\sqrt{2 / (\\mathrm{fan\\_in} + \\mathrm{fan\\_out})}.
    """
    shape, fan_in, fan_out = _layout(fan_in, fan_out, shape)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)


def he_uniform(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    """He/Kaiming uniform initialisation (fan_in mode; the default gain sqrt(2) suits ReLU).

    fan_in, fan_out: positive ints, output shape (fan_in, fan_out); or shape: (F, C, k1, ...)
    with fan_in = C * k1 * ..., fan_out = F * k1 * ... (ValueError for both, neither, or a
    shape with fewer than 3 dimensions); rng: np.random.Generator; gain: scale factor.
    Returns w: (fan_in, fan_out) or shape, float64, drawn as rng.uniform(-bound, bound, size).
    Formula: w \\sim U[-a, a],\\ a = \\mathrm{gain}\\sqrt{3 / \\mathrm{fan\\_in}}.
    """
    shape, fan_in, fan_out = _layout(fan_in, fan_out, shape)
    bound = gain * math.sqrt(3.0 / fan_in)
    return rng.uniform(-bound, bound, size=shape)


def he_normal(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    """He/Kaiming normal initialisation (fan_in mode; the default gain sqrt(2) suits ReLU).

    fan_in, fan_out: positive ints, output shape (fan_in, fan_out); or shape: (F, C, k1, ...)
    with fan_in = C * k1 * ..., fan_out = F * k1 * ... (ValueError for both, neither, or a
    shape with fewer than 3 dimensions); rng: np.random.Generator; gain: scale factor.
    Returns w: (fan_in, fan_out) or shape, float64, drawn as rng.normal(0.0, std, size).
    Formula: w \\sim N(0, s^2),\\ s = \\mathrm{gain} / \\sqrt{\\mathrm{fan\\_in}}.
    """
    if shape is None:
        if fan_in is None or fan_out is None:
            raise ValueError("fan_in, fan_out: both are required when shape is not given")
        shape = (fan_in, fan_out)
    elif fan_in is not None or fan_out is not None:
        raise ValueError("shape: give either fan_in and fan_out or shape, not both")
    elif len(shape) < 3:
        raise ValueError(f"shape: expected a conv shape (F, C, k1, ...), got shape {tuple(shape)}")
    else:
        receptive = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in, fan_out: expected positive sizes, got {fan_in}, {fan_out}")
    std = gain / math.sqrt(fan_in)
    return rng.normal(0.0, std, size=tuple(shape))


def lecun_normal(fan_in=None, fan_out=None, *, rng, gain=1.0, shape=None):
    """LeCun normal initialisation (fan_in mode, gain 1: keeps unit variance through linear/SELU layers).

    fan_in, fan_out: positive ints, output shape (fan_in, fan_out); or shape: (F, C, k1, ...)
    with fan_in = C * k1 * ..., fan_out = F * k1 * ... (ValueError for both, neither, or a
    shape with fewer than 3 dimensions); rng: np.random.Generator; gain: scale factor.
    Returns w: (fan_in, fan_out) or shape, float64, drawn as rng.normal(0.0, std, size).
    Formula: w \\sim N(0, s^2),\\ s = \\mathrm{gain} / \\sqrt{\\mathrm{fan\\_in}}.
    """
    shape, fan_in, fan_out = _layout(fan_in, fan_out, shape)
    std = gain / math.sqrt(fan_in)
    return rng.normal(0.0, std, size=shape)
