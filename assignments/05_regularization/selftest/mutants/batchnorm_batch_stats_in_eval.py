# selftest: mutant
# description: batchnorm normalising with the batch statistics in eval mode too (the classic bug)
# expect-lose: batchnorm_forward
# expect-feedback: batch statistics in eval mode
import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean=None, running_var=None, *, train=True, eps=1e-5):
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std, train)
