"""Layers: linear, dropout, batch normalisation and layer normalisation as pure op pairs.

    out, cache = name_forward(x, *params, **hyper)
    grads      = name_backward(dout, cache)      # dx, or (dx, dparam1, ...) in parameter order

Batch-norm running statistics are explicit state, never a hidden side effect.
``batchnorm_forward`` does not update them (in eval mode it only reads them); the separate pure
function

    new_mean, new_var = batchnorm_running_stats(x, running_mean, running_var, momentum=0.1)

returns what ``torch.nn.functional.batch_norm(..., training=True)`` writes into its buffers:
running = (1 - momentum) * running + momentum * batch_stat, where the batch variance in that
update is the *unbiased* one (divide by N - 1) while normalisation uses the *biased* one
(divide by N). A training step calls both functions; an evaluation step calls only
``batchnorm_forward(..., train=False)``. Keeping the update out of the cache means the new
statistics come back as plain arrays (gradable without inspecting a cache) and the cache
holds only what the backward needs.
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


@shapes(x=("N", ...), w=(None, "M"), b=("M",))
def linear_forward(x, w, b):
    """Affine layer: flatten each sample of x, multiply by w, add b.

    x: (N, D) or (N, d1, ..., dk) with d1 * ... * dk = D; w: (D, M); b: (M,).
    Returns out: (N, M) and cache = (x, w).
    Formula: out = \\mathrm{reshape}(x, (N, D))\\, w + b.
    """
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def linear_backward(dout, cache):
    """Gradients of the affine layer.

    dout: (N, M); cache = (x, w) from linear_forward.
    Returns dx: x's original shape, dw: (D, M), db: (M,).
    Formula: dx = \\mathrm{reshape}(dout\\, w^T, x.shape),\\ dw = \\mathrm{reshape}(x, (N, D))^T dout,\\ db = \\sum_n dout_n.
    """
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def dropout_forward(x, p, *, train=True, rng=None):
    """Inverted dropout: zero each entry with probability p, scale the survivors by 1 / (1 - p).

    x: any shape; p: drop probability, a float in [0, 1) (ValueError otherwise);
    train: False makes the op the identity; rng: np.random.Generator, required when train is True
    (ValueError otherwise).
    The mask is drawn with exactly one call, mask = (rng.random(x.shape) >= p) / (1 - p), so the
    same generator state gives the same mask. Nothing is drawn when train is False or p == 0:
    the mask is then all ones and out is a copy of x.
    Returns out: x's shape and cache = mask: x's shape, entries 0 or 1 / (1 - p).
    Formula: out = x \\odot m,\\ m_i = [u_i \\ge p] / (1 - p),\\ u_i \\sim U[0, 1).
    """
    if not 0 <= p < 1:
        raise ValueError(f"p: expected a drop probability in [0, 1), got {p!r}")
    if train and rng is None:
        raise ValueError("rng: a np.random.Generator is required when train=True, got None")
    if not train or p == 0:
        mask = np.ones(x.shape)
    else:
        mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    """Gradient of inverted dropout: the upstream gradient through the same mask.

    dout: the shape of x; cache = mask from dropout_forward (x's shape).
    Returns dx: x's shape.
    Formula: dx = dout \\odot m.
    """
    mask = cache
    return dout * mask


@shapes(x=("N", "D"), gamma=("D",), beta=("D",), running_mean=("D",), running_var=("D",))
def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    """Batch normalisation: normalise each feature over the batch, then scale and shift it.

    x: (N, D); gamma, beta: (D,); running_mean, running_var: (D,), read only when train is False
    (ValueError naming the one that is missing then); they are never updated here, use
    batchnorm_running_stats for that.
    train=True normalises with the batch mean and the biased batch variance (divide by N);
    train=False with running_mean and running_var.
    Returns out: (N, D) and cache = (x_hat, gamma, inv_std, train), where x_hat: (N, D) is the
    normalised input and inv_std: (D,) is 1 / sqrt(var + eps) for the variance that was used.
    Formula: out = \\gamma (x - \\mu) / \\sqrt{\\sigma^2 + \\epsilon} + \\beta,\\ \\mu = \\frac{1}{N}\\sum_n x_n,\\ \\sigma^2 = \\frac{1}{N}\\sum_n (x_n - \\mu)^2.
    """
    if train:
        mean = x.mean(axis=0)
        # two-pass variance: E[x^2] - E[x]^2 cancels catastrophically for large offsets
        var = ((x - mean) ** 2).mean(axis=0)
    else:
        for name, value in (("running_mean", running_mean), ("running_var", running_var)):
            if value is None:
                raise ValueError(f"{name}: required when train=False, got None")
        mean, var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std, train)


def batchnorm_backward(dout, cache):
    """Gradients of batch normalisation.

    dout: (N, D); cache = (x_hat, gamma, inv_std, train) from batchnorm_forward.
    Returns dx: (N, D), dgamma: (D,), dbeta: (D,).
    In train mode the batch mean and variance depend on x, which gives the compact formula
    below; in eval mode the statistics are constants and dx = dout * gamma * inv_std.
    Formula: dx = \\frac{\\gamma}{N\\sqrt{\\sigma^2 + \\epsilon}} (N\\, dout - \\sum_n dout_n - \\hat x \\sum_n dout_n \\hat x_n),\\ d\\gamma = \\sum_n dout_n \\hat x_n,\\ d\\beta = \\sum_n dout_n.
    """
    x_hat, gamma, inv_std, train = cache
    dgamma = (dout * x_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dx_hat = dout * gamma
    if train:
        n = dout.shape[0]
        dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    else:
        dx = dx_hat * inv_std
    return dx, dgamma, dbeta


@shapes(x=("N", "D"), running_mean=("D",), running_var=("D",))
def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1):
    """Running statistics after one training batch, with PyTorch's momentum rule.

    x: (N, D) with N >= 2 (ValueError otherwise: the unbiased variance needs two samples);
    running_mean, running_var: (D,), left untouched; momentum: float in [0, 1], the weight of the batch.
    Returns new_mean: (D,) and new_var: (D,), fresh arrays. The variance blended in is the
    unbiased batch variance (divide by N - 1), as in torch.nn.functional.batch_norm.
    Formula: \\hat\\mu' = (1 - m)\\hat\\mu + m \\mu_B,\\ \\hat\\sigma'^2 = (1 - m)\\hat\\sigma^2 + m \\frac{1}{N - 1}\\sum_n (x_n - \\mu_B)^2.
    """
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"x: expected at least 2 samples for the unbiased batch variance, got shape {x.shape}")
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).sum(axis=0) / (n - 1)
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * var
    return new_mean, new_var


@shapes(x=("N", "D"), gamma=("D",), beta=("D",))
def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    """Layer normalisation: normalise each sample over its D features, then scale and shift.

    x: (N, D); gamma, beta: (D,).
    Returns out: (N, D) and cache = (x_hat, gamma, inv_std), where x_hat: (N, D) is the
    normalised input and inv_std: (N, 1) is 1 / sqrt(var + eps) per sample (biased variance).
    Formula: out_n = \\gamma (x_n - \\mu_n) / \\sqrt{\\sigma_n^2 + \\epsilon} + \\beta,\\ \\mu_n = \\frac{1}{D}\\sum_d x_{nd},\\ \\sigma_n^2 = \\frac{1}{D}\\sum_d (x_{nd} - \\mu_n)^2.
    """
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Gradients of layer normalisation.

    dout: (N, D); cache = (x_hat, gamma, inv_std) from layernorm_forward.
    Returns dx: (N, D), dgamma: (D,), dbeta: (D,).
    Formula: dx_n = \\frac{1}{D\\sqrt{\\sigma_n^2 + \\epsilon}} (D\\, g_n - \\sum_d g_{nd} - \\hat x_n \\sum_d g_{nd} \\hat x_{nd}),\\ g_n = \\gamma \\odot dout_n,\\ d\\gamma = \\sum_n dout_n \\hat x_n,\\ d\\beta = \\sum_n dout_n.
    """
    x_hat, gamma, inv_std = cache
    d = x_hat.shape[1]
    dx_hat = dout * gamma
    dx = inv_std / d * (
        d * dx_hat - dx_hat.sum(axis=1, keepdims=True) - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    dgamma = (dout * x_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    return dx, dgamma, dbeta
