# selftest: mutant
# description: softplus as log(1 + exp(beta x)) / beta: exp overflows to inf for x = 1000
# expect-lose: softplus_forward
# expect-feedback: inf, numerically stable
import numpy as np


def softplus_forward(x, *, beta=1.0):
    return np.log(1.0 + np.exp(beta * x)) / beta, (x, beta)
