# selftest: mutant
# description: the ReLU mask is z >= 0 (gradient passed at exactly z = 0); the forward caches z for it
# expect-lose: mlp_backward
# expect-feedback: z >= 0
import numpy as np


def mlp_forward(x, params):
    num_layers = len(params) // 2
    h = x
    cache = []
    for layer in range(1, num_layers + 1):
        w, b = params[f"w{layer}"], params[f"b{layer}"]
        z = h @ w + b
        cache.append((h, w, z))
        h = np.maximum(z, 0.0) if layer < num_layers else z
    return h, cache


def mlp_backward(dscores, cache):
    grads = {}
    dz = dscores
    for layer in range(len(cache), 0, -1):
        h_prev, w, _ = cache[layer - 1]
        grads[f"w{layer}"] = h_prev.T @ dz
        grads[f"b{layer}"] = dz.sum(axis=0)
        if layer > 1:
            dz = (dz @ w.T) * (cache[layer - 2][2] >= 0)
    return grads
