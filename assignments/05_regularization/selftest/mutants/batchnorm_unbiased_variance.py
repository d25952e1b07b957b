# selftest: mutant
# description: batchnorm normalising with the unbiased batch variance (np.var with ddof=1)
# expect-lose: batchnorm_forward
# expect-feedback: unbiased variance
import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    if train:
        mean = x.mean(axis=0)
        var = x.var(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1])
    else:
        mean, var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std, train)
