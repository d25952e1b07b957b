# selftest: alternative
# description: np.where over both branches made warning-free two ways: elu and selu clamp the exp's argument (np.minimum(x, 0)); sigmoid evaluates the textbook formula under np.errstate(over="ignore"), where 1 / inf = 0 is the right value
import numpy as np

LAMBDA = 1.0507009873554804934193349852946
ALPHA = 1.6732632423543772848170429916717


def sigmoid_forward(x):
    with np.errstate(over="ignore"):
        out = 1.0 / (1.0 + np.exp(-x))
    return out, out


def elu_forward(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0.0)) - 1.0)), (x, alpha)


def elu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def selu_forward(x):
    return LAMBDA * np.where(x > 0, x, ALPHA * (np.exp(np.minimum(x, 0.0)) - 1.0)), x


def selu_backward(dout, cache):
    x = cache
    return dout * LAMBDA * np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0.0)))
