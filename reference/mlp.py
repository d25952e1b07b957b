"""A ReLU multilayer perceptron as pure functions over a parameter dict, and one epoch of
mini-batch SGD: the graded functions of assignment 03 (``reference.nn`` has the object version).

    scores, cache = mlp_forward(x, params)          params = {"w1": w1, "b1": b1, ..., "wL": wL, "bL": bL}
    grads         = mlp_backward(dscores, cache)    the same keys, each gradient shaped like its parameter
    batches       = minibatches(n, batch_size, *, rng)
    params, loss  = sgd_epoch(params, x, y, *, lr, batch_size, rng)

Layer l maps h_{l-1} to z_l = h_{l-1} w_l + b_l, with h_0 = x, h_l = relu(z_l) for l < L and
scores = z_L (no activation on the last layer: the loss applies the softmax). The only
randomness is the ``rng`` (np.random.Generator) given to ``minibatches``, through exactly one
``rng.permutation(n)`` call, so that the same generator state gives the same epoch.
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes

__all__ = ["mlp_forward", "mlp_backward", "minibatches", "sgd_epoch"]


@shapes(x=("N", "D"))
def mlp_forward(x, params):
    """Forward pass of an L-layer ReLU network: affine layers with a ReLU after each but the last.

    x: (N, D). params: dict with exactly the keys w1, b1, ..., wL, bL (L = len(params) // 2 >= 1);
    w_l: (M_{l-1}, M_l) and b_l: (M_l,), with M_0 = D.
    Returns scores: (N, M_L) and cache: a list of L tuples (h_{l-1}, w_l), l = 1..L, the input
    and the weight of each layer in order (h_0 = x).
    Formula: h_0 = x;\\ z_l = h_{l-1} w_l + b_l;\\ h_l = \\max(z_l, 0)\\ (l < L);\\ \\mathrm{scores} = z_L.
    """
    num_layers = len(params) // 2
    h = x
    cache = []
    for layer in range(1, num_layers + 1):
        w, b = params[f"w{layer}"], params[f"b{layer}"]
        z = h @ w + b
        cache.append((h, w))
        h = np.maximum(z, 0.0) if layer < num_layers else z
    return h, cache


def mlp_backward(dscores, cache):
    """Backward pass of mlp_forward: the gradient of every parameter, layers in reverse order.

    dscores: (N, M_L), dL/dscores. cache: the list of (h_{l-1}, w_l) that mlp_forward returned.
    Returns grads: dict with the keys of params, w1, b1, ..., wL, bL; grads["w<l>"] has w_l's
    shape (M_{l-1}, M_l) and grads["b<l>"] has b_l's shape (M_l,).
    Formula: dz_L = dscores;\\ dw_l = h_{l-1}^\\top dz_l;\\ db_l = \\textstyle\\sum_n dz_l;\\
    dz_{l-1} = (dz_l w_l^\\top) \\odot [h_{l-1} > 0].
    """
    num_layers = len(cache)
    grads = {}
    dz = dscores
    for layer in range(num_layers, 0, -1):
        h_prev, w = cache[layer - 1]
        grads[f"w{layer}"] = h_prev.T @ dz
        grads[f"b{layer}"] = dz.sum(axis=0)
        if layer > 1:
            # h_prev = relu(z_prev), so h_prev > 0 exactly where the ReLU passed its input
            # (and the gradient at z = 0 is 0, as in PyTorch).
            dz = (dz @ w.T) * (h_prev > 0)
    return {key: grads[key] for layer in range(1, num_layers + 1) for key in (f"w{layer}", f"b{layer}")}


def minibatches(n, batch_size, *, rng):
    """Shuffle the indices 0..n-1 once and cut them into consecutive mini-batches.

    n: int >= 1, the number of examples; batch_size: int >= 1; rng: np.random.Generator.
    Returns a list of ceil(n / batch_size) int arrays: the permutation p = rng.permutation(n)
    (exactly one call, nothing else drawn) split in order, p[0:B], p[B:2B], ...; every batch has
    batch_size indices except the last, which holds the remaining n - B floor((n-1)/B) indices.
    Formula: \\mathrm{batch}_k = p[kB : \\min((k+1)B, n)],\\ k = 0, \\dots, \\lceil n/B \\rceil - 1.
    """
    if batch_size < 1:
        raise ValueError(f"minibatches: batch_size must be >= 1, got {batch_size!r}")
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


@shapes(x=("N", "D"), y=("N",))
def sgd_epoch(params, x, y, *, lr, batch_size, rng):
    """One epoch of plain mini-batch SGD on the softmax cross-entropy of mlp_forward's scores.

    params: dict as for mlp_forward (never modified: the updated parameters are new arrays in a
    new dict); x: (N, D); y: (N,) integer labels in [0, M_L); lr: float > 0; batch_size: int >= 1;
    rng: np.random.Generator, used only through minibatches(N, batch_size, rng=rng).
    For each batch in that order: scores = mlp_forward(x[batch], params), the batch's mean
    softmax cross-entropy and its gradient dscores, grads = mlp_backward(dscores, cache), then
    every parameter p <- p - lr * grads[p] before the next batch.
    Returns (new_params, mean_loss): new_params has the keys and shapes of params; mean_loss is a
    float, the mean over all N examples of the loss each had in its batch, before that batch's
    update (the batch means weighted by batch size).
    Formula: L_B = -\\tfrac{1}{|B|}\\sum_{n \\in B} \\log \\mathrm{softmax}(s_n)_{y_n},\\
    ds_n = (\\mathrm{softmax}(s_n) - \\mathrm{onehot}(y_n)) / |B|;\\
    p \\leftarrow p - \\mathrm{lr}\\, \\partial L_B / \\partial p.
    """
    n = x.shape[0]
    params = dict(params)
    total = 0.0
    for batch in minibatches(n, batch_size, rng=rng):
        scores, cache = mlp_forward(x[batch], params)
        # log-softmax from max-shifted scores: exp never overflows, log never sees 0
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(batch.shape[0])
        labels = y[batch]
        total -= float(log_probs[rows, labels].sum())
        dscores = np.exp(log_probs)
        dscores[rows, labels] -= 1.0
        grads = mlp_backward(dscores / batch.shape[0], cache)
        params = {key: params[key] - lr * grads[key] for key in params}
    return params, total / n
