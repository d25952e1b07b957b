# selftest: mutant
# description: softmax cross-entropy gradient softmax(x) / N, forgetting to subtract the one-hot of y
# expect-lose: softmax_cross_entropy
# expect-feedback: one-hot
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(n), y])), np.exp(log_probs) / n
