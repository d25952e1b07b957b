# selftest: alternative
# description: initialisers written with the unit draws (a (2u - 1) from rng.uniform(), s z from rng.standard_normal) and explicit fans
import math

import numpy as np


def _fans(fan_in, fan_out, shape):
    if shape is None:
        return fan_in, fan_out, (fan_in, fan_out)
    k = int(np.prod(shape[2:]))
    return shape[1] * k, shape[0] * k, tuple(shape)


def xavier_uniform(fan_in=None, fan_out=None, *, rng, gain=1.0, shape=None):
    fan_in, fan_out, shape = _fans(fan_in, fan_out, shape)
    a = gain * math.sqrt(6.0) / math.sqrt(fan_in + fan_out)
    return rng.uniform(0.0, 1.0, size=shape) * (2 * a) - a


def he_normal(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    fan_in, fan_out, shape = _fans(fan_in, fan_out, shape)
    variance = gain ** 2 / fan_in
    return math.sqrt(variance) * rng.standard_normal(size=shape)
