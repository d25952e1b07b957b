# selftest: mutant
# description: relu gradient mask x >= 0: the gradient passes at exactly 0, where relu'(0) = 0 by convention
# expect-lose: relu_backward
# expect-feedback: x = 0, x > 0
import numpy as np


def relu_backward(dout, cache):
    x = cache
    return dout * (x >= 0)
