# selftest: mutant
# description: softmax cross-entropy gradient without the 1/N of the mean
# expect-lose: softmax_cross_entropy
# expect-feedback: too large
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    return float(-np.mean(log_probs[rows, y])), dlogits
