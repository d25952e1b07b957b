# selftest: mutant
# description: selu with a wrong scale, lambda = 1.05 instead of 1.0507009873554804934193349852946, in forward and backward
# expect-lose: selu_forward selu_backward
# expect-feedback: constant factor
import numpy as np

SCALE = 1.05
ALPHA = 1.6732632423543772848170429916717


def selu_forward(x):
    return SCALE * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0))), x


def selu_backward(dout, cache):
    x = cache
    return dout * SCALE * np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0)))
