# selftest: alternative
# description: minibatches by rng.shuffle and np.split; sgd_epoch with np.logaddexp.reduce and a one-hot matrix, losses collected per batch
import numpy as np


def minibatches(n, batch_size, *, rng):
    order = np.arange(n)
    rng.shuffle(order)
    return list(np.split(order, np.arange(batch_size, n, batch_size)))


def sgd_epoch(params, x, y, *, lr, batch_size, rng):
    new = {key: value.copy() for key, value in params.items()}
    losses, sizes = [], []
    for batch in minibatches(x.shape[0], batch_size, rng=rng):
        scores, cache = mlp_forward(x[batch], new)
        log_z = np.logaddexp.reduce(scores, axis=1, keepdims=True)
        log_probs = scores - log_z
        onehot = np.eye(scores.shape[1])[y[batch]]
        losses.append(-np.sum(onehot * log_probs) / len(batch))
        sizes.append(len(batch))
        grads = mlp_backward((np.exp(log_probs) - onehot) / len(batch), cache)
        for key in new:
            new[key] = new[key] - lr * grads[key]
    return new, float(np.average(losses, weights=sizes))
