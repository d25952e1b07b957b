# selftest: mutant
# description: BCE with the two-branch stable sigmoid computed by np.where: the values are right, but both branches are evaluated and the unused one overflows and warns
# expect-lose: binary_cross_entropy_with_logits
# expect-feedback: emitted a warning on valid input, overflow
import numpy as np


def binary_cross_entropy_with_logits(logits, y):
    sig = np.where(logits >= 0, 1.0 / (1.0 + np.exp(-logits)), np.exp(logits) / (1.0 + np.exp(logits)))
    loss = np.maximum(logits, 0.0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
    return float(loss.mean()), (sig - y) / logits.size
