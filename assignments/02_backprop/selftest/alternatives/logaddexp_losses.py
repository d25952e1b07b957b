# selftest: alternative
# description: log-sum-exp via np.logaddexp (BCE as logaddexp(0, x) - x y, softmax CE by a logaddexp reduction), sigmoid via scipy.special.expit
import numpy as np
from scipy.special import expit


def binary_cross_entropy_with_logits(logits, y):
    loss = np.mean(np.logaddexp(0.0, logits) - logits * y)
    return float(loss), (expit(logits) - y) / logits.size


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_probs = logits - lse
    onehot = np.zeros_like(logits)
    onehot[np.arange(n), y] = 1.0
    return float(-np.sum(log_probs * onehot) / n), (np.exp(log_probs) - onehot) / n


def mse(pred, target):
    diff = np.subtract(pred, target)
    return float(np.sum(np.square(diff)) / diff.size), diff * (2.0 / diff.size)
