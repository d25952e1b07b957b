# selftest: mutant
# description: BCE gradient divided by the number of rows instead of the number of entries
# expect-lose: binary_cross_entropy_with_logits
# expect-feedback: rows
import numpy as np


def binary_cross_entropy_with_logits(logits, y):
    e = np.exp(-np.abs(logits))
    loss = np.mean(np.maximum(logits, 0) - logits * y + np.log1p(e))
    sig = np.where(logits >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(loss), (sig - y) / len(logits)
