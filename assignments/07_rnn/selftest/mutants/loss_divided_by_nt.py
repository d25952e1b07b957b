# selftest: mutant
# description: temporal loss averaged over N*T instead of divided by N
# expect-lose: temporal_softmax_cross_entropy
# expect-feedback: N*T
import numpy as np


def temporal_softmax_cross_entropy(x, y, mask):
    n, t_len, vocab = x.shape
    mask = np.asarray(mask, dtype=bool)
    y = np.where(mask, np.asarray(y), 0)
    shifted = x - x.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    rows, steps = np.arange(n)[:, None], np.arange(t_len)[None, :]
    loss = -np.sum(np.where(mask, log_probs[rows, steps, y], 0.0)) / (n * t_len)
    dx = np.exp(log_probs)
    dx[rows, steps, y] -= 1.0
    dx = np.where(mask[:, :, None], dx, 0.0) / (n * t_len)
    return float(loss), dx
