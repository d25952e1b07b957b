# selftest: mutant
# description: layer norm normalising over the rows (batchnorm's axis)
# expect-lose: layernorm_forward
# expect-feedback: normalised over the rows
import numpy as np


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    mean = x.mean(axis=0, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
