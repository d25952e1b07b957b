# selftest: mutant
# description: mlp_backward forgets the ReLU mask between layers
# expect-lose: mlp_backward sgd_epoch
# expect-feedback: mask is missing
import numpy as np


def mlp_backward(dscores, cache):
    grads = {}
    dz = dscores
    for layer in range(len(cache), 0, -1):
        h_prev, w = cache[layer - 1]
        grads[f"w{layer}"] = h_prev.T @ dz
        grads[f"b{layer}"] = dz.sum(axis=0)
        dz = dz @ w.T
    return grads
