# selftest: mutant
# description: He normal with std sqrt(1 / fan_in): the gain sqrt(2) forgotten (and gain ignored)
# expect-lose: he_normal
# expect-feedback: gain
import math

import numpy as np


def he_normal(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    if shape is None:
        shape = (fan_in, fan_out)
    else:
        fan_in = shape[1] * math.prod(shape[2:])
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=tuple(shape))
