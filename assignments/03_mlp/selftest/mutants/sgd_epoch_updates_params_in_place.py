# selftest: mutant
# description: sgd_epoch updating the caller's parameter arrays in place (p -= lr * g on the dict it was given); its values are right
# expect-lose: sgd_epoch
# expect-feedback: changed its input
import numpy as np


def sgd_epoch(params, x, y, *, lr, batch_size, rng):
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
