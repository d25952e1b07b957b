# selftest: mutant
# description: leaky_relu_forward as np.maximum(x, alpha x), which is leaky relu only for 0 <= alpha <= 1 (the docstring allows any float)
# expect-lose: leaky_relu_forward
# expect-feedback: np.maximum(x, alpha x)
import numpy as np


def leaky_relu_forward(x, *, alpha=0.01):
    return np.maximum(x, alpha * x), (x, alpha)
