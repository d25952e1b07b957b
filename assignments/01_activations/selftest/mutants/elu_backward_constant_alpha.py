# selftest: mutant
# description: elu derivative alpha for x <= 0 instead of alpha e^x (= out + alpha)
# expect-lose: elu_backward
# expect-feedback: alpha e^x
import numpy as np


def elu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)
