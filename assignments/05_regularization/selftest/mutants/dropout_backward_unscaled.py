# selftest: mutant
# description: dropout backward passes dout where kept but forgets the 1/(1-p) scale of the mask
# expect-lose: dropout_backward
# expect-feedback: without the 1/(1-p) scaling
import numpy as np


def dropout_backward(dout, cache):
    mask = cache
    return dout * (mask != 0)
