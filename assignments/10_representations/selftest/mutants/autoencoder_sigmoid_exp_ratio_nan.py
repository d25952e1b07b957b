# selftest: mutant
# description: the decoder's sigmoid as exp(a) / (1 + exp(a)): inf / inf = NaN for large pre-activations
# expect-lose: autoencoder_forward
# expect-feedback: NaN or inf
import numpy as np


def autoencoder_forward(x, w1, b1, w2, b2):
    z = np.tanh(x @ w1 + b1)
    e = np.exp(z @ w2 + b2)
    x_hat = e / (1.0 + e)
    return x_hat, (x, w1, w2, z, x_hat)
