# selftest: mutant
# description: dlogits = softmax / N - onehot: the 1/N of the mean reaches the softmax part only, so the true class's entries are off (right for N = 1)
# expect-lose: softmax_cross_entropy
# expect-feedback: every wrong entry lies in the true class of each row
import numpy as np


def softmax_cross_entropy(logits, y):
    logits, y = np.asarray(logits, dtype=np.float64), np.asarray(y)
    n, c = logits.shape
    if y.shape != (n,) or y.dtype.kind not in "iu" or np.any((y < 0) | (y >= c)):
        raise ValueError("y: expected integer labels in [0, C)")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    dlogits = np.exp(log_probs) / n
    dlogits[rows, y] -= 1.0
    return float(-np.mean(log_probs[rows, y])), dlogits
