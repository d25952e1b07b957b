# selftest: mutant
# description: batchnorm variance as mean(x^2) - mean(x)^2, which cancels catastrophically for large offsets
# expect-lose: batchnorm_forward
# expect-feedback: catastrophic cancellation
import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    if train:
        mean = x.mean(axis=0)
        var = np.maximum((x * x).mean(axis=0) - mean ** 2, 0.0)
    else:
        mean, var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std, train)
