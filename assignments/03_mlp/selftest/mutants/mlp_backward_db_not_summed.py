# selftest: mutant
# description: mlp_backward returns db = dz (one row per example) instead of its sum over the batch
# expect-lose: mlp_backward sgd_epoch
# expect-feedback: wrong shape
import numpy as np


def mlp_backward(dscores, cache):
    grads = {}
    dz = dscores
    for layer in range(len(cache), 0, -1):
        h_prev, w = cache[layer - 1]
        grads[f"w{layer}"] = h_prev.T @ dz
        grads[f"b{layer}"] = dz
        dz = (dz @ w.T) * (h_prev > 0)
    return grads
