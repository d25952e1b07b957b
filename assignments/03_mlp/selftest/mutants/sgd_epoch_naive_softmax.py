# selftest: mutant
# description: sgd_epoch computes the softmax without the max shift: exp overflows for huge scores
# expect-lose: sgd_epoch
# expect-feedback: NaN
import numpy as np


def sgd_epoch(params, x, y, *, lr, batch_size, rng):
    n = x.shape[0]
    params = dict(params)
    total = 0.0
    for batch in minibatches(n, batch_size, rng=rng):
        scores, cache = mlp_forward(x[batch], params)
        rows = np.arange(batch.shape[0])
        with np.errstate(all="ignore"):
            probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
            total -= float(np.log(probs[rows, y[batch]]).sum())
        dscores = probs.copy()
        dscores[rows, y[batch]] -= 1.0
        grads = mlp_backward(dscores / batch.shape[0], cache)
        params = {key: params[key] - lr * grads[key] for key in params}
    return params, total / n
