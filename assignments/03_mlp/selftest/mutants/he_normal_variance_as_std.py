# selftest: mutant
# description: He normal passing the variance 2 / fan_in where rng.normal expects the standard deviation
# expect-lose: he_normal
# expect-feedback: variance
import math

import numpy as np


def he_normal(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    if shape is None:
        shape = (fan_in, fan_out)
    else:
        fan_in = shape[1] * math.prod(shape[2:])
    return rng.normal(0.0, gain ** 2 / fan_in, size=tuple(shape))
