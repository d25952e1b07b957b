# selftest: mutant
# description: elu and selu with np.where over the unclamped exp: the values are right, but the exp overflows and warns in the branch np.where throws away
# expect-lose: elu_forward elu_backward selu_forward selu_backward
# expect-feedback: emitted a warning on valid input, overflow
import numpy as np

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717


def elu_forward(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1.0)), (x, alpha)


def elu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * np.exp(x))


def selu_forward(x):
    return LAMBDA * np.where(x > 0, x, ALPHA * (np.exp(x) - 1.0)), x


def selu_backward(dout, cache):
    x = cache
    return dout * LAMBDA * np.where(x > 0, 1.0, ALPHA * np.exp(x))
