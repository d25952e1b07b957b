import math

import numpy as np


def sigmoid_forward(x):
    half = 0.5 * (np.tanh(0.5 * x) + 1.0)
    return half, {"s": half}


def sigmoid_backward(dout, cache):
    value = cache["s"]
    derivative = value - value * value
    return derivative * dout


def leaky_relu_forward(x, *, alpha=0.01):
    flags = x > 0
    return np.select([flags], [x], default=alpha * x), {"x": x, "alpha": alpha}


def leaky_relu_backward(dout, cache):
    return np.select([cache["x"] > 0], [dout], default=cache["alpha"] * dout)


def elu_forward(x, *, alpha=1.0):
    clipped = np.clip(x, None, 0.0)
    return np.select([x > 0], [x], default=alpha * np.expm1(clipped)), {"x": x, "alpha": alpha}


def elu_backward(dout, cache):
    x, alpha = cache["x"], cache["alpha"]
    return np.select([x > 0], [dout], default=dout * alpha * np.exp(np.clip(x, None, 0.0)))
