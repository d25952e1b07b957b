# selftest: mutant
# description: numerical gradient with a one-sided difference (f(x + h) - f(x)) / h
# expect-lose: numerical_gradient
# expect-feedback: one-sided
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    x = np.array(x, dtype=np.float64, copy=True)
    fx = f(x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
