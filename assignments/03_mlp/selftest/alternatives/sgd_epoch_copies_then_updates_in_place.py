# selftest: alternative
# description: sgd_epoch copying every parameter array first (a dict of copies), then updating the copies in place with -=
import numpy as np


def sgd_epoch(params, x, y, *, lr, batch_size, rng):
    params = {key: value.copy() for key, value in params.items()}
    n = x.shape[0]
    total = 0.0
    for batch in minibatches(n, batch_size, rng=rng):
        scores, cache = mlp_forward(x[batch], params)
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(batch.shape[0])
        total -= float(log_probs[rows, y[batch]].sum())
        dscores = np.exp(log_probs)
        dscores[rows, y[batch]] -= 1.0
        grads = mlp_backward(dscores / batch.shape[0], cache)
        for key in params:
            params[key] -= lr * grads[key]
    return params, total / n
