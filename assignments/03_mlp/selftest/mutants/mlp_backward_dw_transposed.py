# selftest: mutant
# description: mlp_backward computes dw = dz^T h_prev, the transpose of h_prev^T dz
# expect-lose: mlp_backward sgd_epoch
# expect-feedback: transposed
import numpy as np


def mlp_backward(dscores, cache):
    grads = {}
    dz = dscores
    for layer in range(len(cache), 0, -1):
        h_prev, w = cache[layer - 1]
        grads[f"w{layer}"] = dz.T @ h_prev
        grads[f"b{layer}"] = dz.sum(axis=0)
        dz = (dz @ w.T) * (h_prev > 0)
    return grads
