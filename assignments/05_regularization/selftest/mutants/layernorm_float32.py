# selftest: mutant
# description: layernorm_forward returning out as float32 (out.astype(np.float32)): values right to about 1e-7, dtype float32
# expect-lose: layernorm_forward
# expect-feedback: float32
import numpy as np


def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return (gamma * x_hat + beta).astype(np.float32), (x_hat, gamma, inv_std)
