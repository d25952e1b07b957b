# selftest: mutant
# description: temporal loss ignores the mask (padded steps count, their -1 labels wrap to the last class)
# expect-lose: temporal_softmax_cross_entropy
# expect-feedback: mask was ignored
import numpy as np


def temporal_softmax_cross_entropy(x, y, mask):
    n, t_len, vocab = x.shape
    flat = x.reshape(n * t_len, vocab)
    labels = np.asarray(y).reshape(n * t_len)
    shifted = flat - flat.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n * t_len)
    loss = -np.sum(log_probs[rows, labels]) / n
    dx = np.exp(log_probs)
    dx[rows, labels] -= 1.0
    return float(loss), dx.reshape(n, t_len, vocab) / n
