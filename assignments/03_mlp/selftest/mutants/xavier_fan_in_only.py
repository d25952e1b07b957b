# selftest: mutant
# description: Xavier bound from fan_in alone, sqrt(6 / fan_in) (LeCun's fan, not Glorot's average)
# expect-lose: xavier_uniform
# expect-feedback: fan_in only
import math

import numpy as np


def xavier_uniform(fan_in=None, fan_out=None, *, rng, gain=1.0, shape=None):
    if shape is None:
        shape = (fan_in, fan_out)
    else:
        receptive = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    bound = gain * math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=tuple(shape))
