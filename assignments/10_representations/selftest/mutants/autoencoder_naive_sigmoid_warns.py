# selftest: mutant
# description: the decoder's sigmoid as 1 / (1 + exp(-a)): exp overflows to inf for a = -1000 and warns, although 1 / inf = 0 is the right value
# expect-lose: autoencoder_forward
# expect-feedback: emitted a warning on valid input, overflow encountered in exp
import numpy as np


def autoencoder_forward(x, w1, b1, w2, b2):
    z = np.tanh(x @ w1 + b1)
    x_hat = 1.0 / (1.0 + np.exp(-(z @ w2 + b2)))
    return x_hat, (x, w1, w2, z, x_hat)
