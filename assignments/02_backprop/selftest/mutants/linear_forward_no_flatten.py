# selftest: mutant
# description: linear forward that does not flatten a multi-axis input (x @ w fails or misbehaves)
# expect-lose: linear_forward
# expect-feedback: raised
import numpy as np


def linear_forward(x, w, b):
    out = x @ w + b
    return out, (x, w)
