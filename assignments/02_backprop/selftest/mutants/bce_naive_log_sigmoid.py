# selftest: mutant
# description: binary cross-entropy as -y log(sigmoid) - (1 - y) log(1 - sigmoid): inf/NaN for large logits
# expect-lose: binary_cross_entropy_with_logits
# expect-feedback: NaN
import numpy as np


def binary_cross_entropy_with_logits(logits, y):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        s = 1.0 / (1.0 + np.exp(-logits))
        loss = np.mean(-y * np.log(s) - (1.0 - y) * np.log(1.0 - s))
    return float(loss), (s - y) / np.size(logits)
