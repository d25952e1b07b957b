# selftest: alternative
# description: explicit Python loops over features/examples/units and np.einsum for the batchnorm and layernorm backward sums; dropout by a uniform draw compared with > p (equal with probability 1)
import numpy as np


def dropout_forward(x, p, *, train=True, rng=None):
    if not train or p == 0:
        mask = np.ones(x.shape)
    else:
        if rng is None:
            raise ValueError("rng required")
        u = rng.random(x.shape)
        mask = (u > p) * (1.0 / (1.0 - p))
    return x * mask, mask


def dropout_backward(dout, cache):
    return np.multiply(dout, cache)


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    n, d = x.shape
    out, x_hat, inv_std = np.empty((n, d)), np.empty((n, d)), np.empty(d)
    for j in range(d):
        col = x[:, j]
        if train:
            m = sum(col) / n
            v = sum((c - m) ** 2 for c in col) / n
        else:
            m, v = running_mean[j], running_var[j]
        inv_std[j] = 1.0 / np.sqrt(v + eps)
        x_hat[:, j] = (col - m) * inv_std[j]
        out[:, j] = gamma[j] * x_hat[:, j] + beta[j]
    return out, (x_hat, gamma, inv_std, train)


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, train = cache
    n = dout.shape[0]
    g = dout * gamma
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dbeta = np.einsum("nd->d", dout)
    if train:
        dx = (inv_std / n) * (n * g - np.einsum("nd->d", g) - x_hat * np.einsum("nd,nd->d", g, x_hat))
    else:
        dx = g * inv_std
    return dx, dgamma, dbeta


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1):
    n, d = x.shape
    if n < 2:
        raise ValueError("need N >= 2")
    new_mean, new_var = np.empty(d), np.empty(d)
    for j in range(d):
        m = x[:, j].mean()
        v = np.sum((x[:, j] - m) ** 2) / (n - 1)
        new_mean[j] = (1 - momentum) * running_mean[j] + momentum * m
        new_var[j] = (1 - momentum) * running_var[j] + momentum * v
    return new_mean, new_var


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    n, d = x.shape
    x_hat, inv_std = np.empty((n, d)), np.empty((n, 1))
    for i in range(n):
        m = x[i].mean()
        v = np.mean((x[i] - m) ** 2)
        inv_std[i, 0] = 1.0 / np.sqrt(v + eps)
        x_hat[i] = (x[i] - m) * inv_std[i, 0]
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    d = x_hat.shape[1]
    g = dout * gamma
    dx = (inv_std / d) * (d * g - np.einsum("nd->n", g)[:, None] - x_hat * np.einsum("nd,nd->n", g, x_hat)[:, None])
    return dx, np.einsum("nd,nd->d", dout, x_hat), np.einsum("nd->d", dout)


def adaptive_grad_clip(w, dw, *, clipping=0.01, eps=1e-3):
    out = np.array(dw, dtype=np.float64, copy=True)
    if w.ndim <= 1:
        units = [(...)]
    elif w.ndim == 2:
        units = [(slice(None), j) for j in range(w.shape[1])]
    else:
        units = [(f,) for f in range(w.shape[0])]
    for unit in units:
        w_norm = np.sqrt(np.sum(w[unit] ** 2))
        g_norm = np.sqrt(np.sum(dw[unit] ** 2))
        limit = clipping * max(w_norm, eps)
        if g_norm >= limit:
            out[unit] = dw[unit] * (limit / max(g_norm, 1e-6))
    return out
