# selftest: mutant
# description: he_normal scaled by fan_out instead of fan_in (std = gain / sqrt(fan_out))
# expect-lose: he_normal
# expect-feedback: fan_out
import math

import numpy as np


def he_normal(fan_in=None, fan_out=None, *, rng, gain=math.sqrt(2.0), shape=None):
    if shape is None:
        if fan_in is None or fan_out is None:
            raise ValueError("fan_in, fan_out: both are required when shape is not given")
        shape = (fan_in, fan_out)
    elif fan_in is not None or fan_out is not None:
        raise ValueError("shape: give either fan_in and fan_out or shape, not both")
    elif len(shape) < 3:
        raise ValueError(f"shape: expected a conv shape (F, C, k1, ...), got shape {tuple(shape)}")
    else:
        receptive = math.prod(shape[2:])
        fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    return rng.normal(0.0, gain / math.sqrt(fan_out), size=shape)
