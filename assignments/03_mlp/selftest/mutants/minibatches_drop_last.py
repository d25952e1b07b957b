# selftest: mutant
# description: minibatches drops the last, smaller batch
# expect-lose: minibatches sgd_epoch
# expect-feedback: smaller batch
import numpy as np


def minibatches(n, batch_size, *, rng):
    order = rng.permutation(n)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size)]
