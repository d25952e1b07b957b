# selftest: mutant
# description: mlp_forward applies the ReLU after the last layer too (scores clipped at 0)
# expect-lose: mlp_forward sgd_epoch
# expect-feedback: last layer
import numpy as np


def mlp_forward(x, params):
    h = x
    cache = []
    for layer in range(1, len(params) // 2 + 1):
        w, b = params[f"w{layer}"], params[f"b{layer}"]
        cache.append((h, w))
        h = np.maximum(h @ w + b, 0.0)
    return h, cache
