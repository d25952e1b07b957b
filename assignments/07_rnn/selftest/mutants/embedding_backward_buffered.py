# selftest: mutant
# description: embedding backward adds with buffered fancy indexing (dw at idx += dout), which loses repeated indices
# expect-lose: embedding_backward
# expect-feedback: repeated index
import numpy as np


def embedding_backward(dout, cache):
    idx, w_shape = cache
    dw = np.zeros(w_shape)
    dw[idx] += dout
    return dw
