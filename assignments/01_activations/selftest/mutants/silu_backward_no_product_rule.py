# selftest: mutant
# description: silu backward as sigmoid(x) alone: the product rule's x sigmoid(x) (1 - sigmoid(x)) term is missing
# expect-lose: silu_backward
# expect-feedback: product rule
import numpy as np


def silu_backward(dout, cache):
    x, s = cache
    return dout * s
