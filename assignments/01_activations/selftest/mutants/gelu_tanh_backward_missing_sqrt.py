# selftest: mutant
# description: gelu_tanh backward without the factor sqrt(2/pi) of du/dx
# expect-lose: gelu_tanh_backward
# expect-feedback: sqrt(2/pi)
import numpy as np


def gelu_tanh_backward(dout, cache):
    x = cache
    t = np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3))
    return dout * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * (1.0 + 3 * 0.044715 * x * x))
