# selftest: mutant
# description: minibatches cuts 0..n-1 in order (the permutation is drawn but not used)
# expect-lose: minibatches sgd_epoch
# expect-feedback: not shuffled
import numpy as np


def minibatches(n, batch_size, *, rng):
    rng.permutation(n)
    order = np.arange(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
