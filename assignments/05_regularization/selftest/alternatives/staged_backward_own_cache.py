# selftest: alternative
# description: batchnorm and layernorm with their own cache layout (a dict of the intermediate values) and a step-by-step backward through the computational graph (CS231n style; layernorm as batchnorm of the transpose)
import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    if train:
        mu = x.sum(axis=0) / x.shape[0]
        xmu = x - mu
        var = (xmu ** 2).sum(axis=0) / x.shape[0]
    else:
        mu, var = running_mean, running_var
        xmu = x - mu
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    cache = {"xhat": xhat, "xmu": xmu, "ivar": ivar, "sqrtvar": sqrtvar, "var": var, "gamma": gamma,
             "eps": eps, "train": train}
    return gamma * xhat + beta, cache


def batchnorm_backward(dout, cache):
    n = dout.shape[0]
    xhat, xmu, ivar, sqrtvar, var, gamma, eps = (cache[k] for k in ("xhat", "xmu", "ivar", "sqrtvar", "var",
                                                                   "gamma", "eps"))
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if not cache["train"]:
        return dxhat * ivar, dgamma, dbeta
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / sqrtvar ** 2 * divar
    dvar = 0.5 / np.sqrt(var + eps) * dsqrtvar
    dsq = np.ones_like(dout) / n * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=0)
    dx2 = np.ones_like(dout) / n * dmu
    return dx1 + dx2, dgamma, dbeta


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    # layernorm is batchnorm of the transpose, without the affine part
    d = x.shape[1]
    xt = x.T
    mu = xt.sum(axis=0) / d
    xmu = xt - mu
    var = (xmu ** 2).sum(axis=0) / d
    sqrtvar = np.sqrt(var + eps)
    xhat = (xmu / sqrtvar).T
    return gamma * xhat + beta, {"xhat_t": xhat.T, "xmu": xmu, "sqrtvar": sqrtvar, "var": var, "gamma": gamma,
                                 "eps": eps}


def layernorm_backward(dout, cache):
    xhat_t, xmu, sqrtvar, var, gamma, eps = (cache[k] for k in ("xhat_t", "xmu", "sqrtvar", "var", "gamma", "eps"))
    dgamma = (dout * xhat_t.T).sum(axis=0)
    dbeta = dout.sum(axis=0)
    dxhat = (dout * gamma).T  # (D, N): the batch axis of the transposed problem is axis 0
    d = dxhat.shape[0]
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat / sqrtvar
    dvar = 0.5 / np.sqrt(var + eps) * (-1.0 / sqrtvar ** 2 * divar)
    dxmu2 = 2 * xmu * dvar / d
    dx1 = dxmu1 + dxmu2
    dx = dx1 - dx1.sum(axis=0) / d
    return dx.T, dgamma, dbeta
