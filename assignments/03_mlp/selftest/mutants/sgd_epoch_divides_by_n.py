# selftest: mutant
# description: sgd_epoch divides dscores by N (the data set) instead of the batch size
# expect-lose: sgd_epoch
# expect-feedback: divided by N
import numpy as np


def sgd_epoch(params, x, y, *, lr, batch_size, rng):
    n = x.shape[0]
    params = dict(params)
    total = 0.0
    for batch in minibatches(n, batch_size, rng=rng):
        scores, cache = mlp_forward(x[batch], params)
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(batch.shape[0])
        total -= float(log_probs[rows, y[batch]].sum())
        dscores = np.exp(log_probs)
        dscores[rows, y[batch]] -= 1.0
        grads = mlp_backward(dscores / n, cache)
        params = {key: params[key] - lr * grads[key] for key in params}
    return params, total / n
