# selftest: mutant
# description: numerical gradient perturbing the caller's x in place and never restoring the entries
# expect-lose: numerical_gradient
# expect-feedback: not restored
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)
    return grad
