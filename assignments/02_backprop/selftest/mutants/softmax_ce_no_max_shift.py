# selftest: mutant
# description: softmax without the max shift: exp overflows for logits of 1e3 and gives NaN
# expect-lose: softmax_cross_entropy
# expect-feedback: NaN
import numpy as np


def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.mean(np.log(p[rows, y]))
    dlogits = p.copy()
    dlogits[rows, y] -= 1.0
    return float(loss), dlogits / n
