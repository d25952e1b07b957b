# selftest: alternative
# description: softmax cross-entropy and Poisson NLL with explicit Python loops over examples and entries
import math

import numpy as np


def softmax_cross_entropy(logits, y):
    n, c = logits.shape
    loss = 0.0
    dlogits = np.zeros((n, c))
    for i in range(n):
        m = max(logits[i])
        total = sum(math.exp(v - m) for v in logits[i])
        loss -= (logits[i, y[i]] - m) - math.log(total)
        for k in range(c):
            dlogits[i, k] = math.exp(logits[i, k] - m) / total - (1.0 if k == y[i] else 0.0)
    return loss / n, dlogits / n


def poisson_nll(log_rate, y):
    flat_r, flat_y = np.ravel(log_rate), np.ravel(y)
    n = flat_r.size
    loss, grad = 0.0, np.empty(n)
    for i in range(n):
        rate = math.exp(flat_r[i])
        loss += rate - flat_y[i] * flat_r[i]
        grad[i] = (rate - flat_y[i]) / n
    return loss / n, grad.reshape(np.shape(log_rate))
