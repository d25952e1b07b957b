# selftest: mutant
# description: the exact gelu computed with the tanh approximation (the backward is the exact one)
# expect-lose: gelu_forward
# expect-feedback: tanh approximation
import numpy as np


def gelu_forward(x):
    u = np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + np.tanh(u)), x
