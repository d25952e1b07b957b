# selftest: alternative
# description: numerical gradient by perturbing a flat copy with basis vectors (no in-place edits); rel_error from sums of squares
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=np.float64)
    flat = x.ravel().copy()
    grad = np.empty(flat.size)
    for i in range(flat.size):
        step = np.zeros(flat.size)
        step[i] = h
        grad[i] = (f((flat + step).reshape(x.shape)) - f((flat - step).reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)


def rel_error(a, b, eps=1e-12):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    num = np.sqrt(np.sum((a - b) ** 2))
    den = np.sqrt(np.sum(a**2)) + np.sqrt(np.sum(b**2))
    return float(num / den) if den > eps else float(num / eps)
