# selftest: mutant
# description: relu gradient on the wrong side: the mask keeps x < 0
# expect-lose: relu_backward
# expect-feedback: wrong side
import numpy as np


def relu_backward(dout, cache):
    x = cache
    return dout * (x < 0)
