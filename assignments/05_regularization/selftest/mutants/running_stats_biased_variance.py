# selftest: mutant
# description: running variance updated with the biased batch variance (divide by N)
# expect-lose: batchnorm_running_stats
# expect-feedback: unbiased
import numpy as np


def batchnorm_running_stats(x, running_mean, running_var, *, momentum=0.1):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var
