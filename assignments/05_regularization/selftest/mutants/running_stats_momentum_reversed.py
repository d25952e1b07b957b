# selftest: mutant
# description: running statistics with the momentum reversed (momentum weights the old value)
# expect-lose: batchnorm_running_stats
# expect-feedback: momentum reversed
import numpy as np


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1):
    n = x.shape[0]
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).sum(axis=0) / (n - 1)
    return momentum * running_mean + (1 - momentum) * mean, momentum * running_var + (1 - momentum) * var
