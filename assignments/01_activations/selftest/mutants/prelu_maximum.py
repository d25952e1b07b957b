# selftest: mutant
# description: prelu forward as np.maximum(x, alpha x), which is prelu only for 0 <= alpha <= 1 (a learned slope can leave that range)
# expect-lose: prelu_forward
# expect-feedback: np.maximum
import numpy as np


def prelu_forward(x, alpha):
    alpha = np.asarray(alpha)
    a = alpha.reshape((1, -1) + (1,) * (np.ndim(x) - 2)) if alpha.ndim == 1 else alpha
    return np.maximum(x, a * x), (x, alpha)
