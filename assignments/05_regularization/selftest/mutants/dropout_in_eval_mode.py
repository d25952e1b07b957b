# selftest: mutant
# description: dropout applied in eval mode too (the train flag is ignored)
# expect-lose: dropout_forward
# expect-feedback: eval mode
import numpy as np


def dropout_forward(x, p, *, train=True, rng=None):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask
