# selftest: alternative
# description: exact gelu with math.erf vectorised by np.vectorize (no scipy), and gelu_tanh as x sigmoid(2u)
import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[float])


def gelu_forward(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))), x


def gelu_backward(dout, cache):
    x = cache
    cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
    return dout * (cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi))


def gelu_tanh_forward(x):
    u = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    # 0.5 (1 + tanh u) = sigmoid(2u), written with exp(-|2u|) <= 1
    e = np.exp(-np.abs(2.0 * u))
    return x * np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), x
