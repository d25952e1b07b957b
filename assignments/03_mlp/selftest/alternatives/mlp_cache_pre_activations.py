# selftest: alternative
# description: MLP whose cache keeps the pre-activations z (mask z > 0), with einsum, and gradients built in a recursive helper
import numpy as np


def mlp_forward(x, params):
    layers = len(params) // 2
    cache = {"inputs": [], "weights": [], "z": []}
    h = x
    for l in range(1, layers + 1):
        z = np.einsum("nd,dm->nm", h, params["w%d" % l]) + params["b%d" % l]
        cache["inputs"].append(h)
        cache["weights"].append(params["w%d" % l])
        cache["z"].append(z)
        h = z if l == layers else np.where(z > 0, z, 0.0)
    return h, cache


def _back(l, dz, cache, grads):
    h_prev = cache["inputs"][l - 1]
    grads["w%d" % l] = np.einsum("nd,nm->dm", h_prev, dz)
    grads["b%d" % l] = np.einsum("nm->m", dz)
    if l > 1:
        dh = np.einsum("nm,dm->nd", dz, cache["weights"][l - 1])
        _back(l - 1, np.where(cache["z"][l - 2] > 0, dh, 0.0), cache, grads)


def mlp_backward(dscores, cache):
    grads = {}
    _back(len(cache["weights"]), dscores, cache, grads)
    return grads
