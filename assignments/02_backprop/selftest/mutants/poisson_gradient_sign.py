# selftest: mutant
# description: Poisson NLL gradient with the sign of the log-likelihood, (y - exp(r)) / n
# expect-lose: poisson_nll
# expect-feedback: sign
import numpy as np


def poisson_nll(log_rate, y):
    rate = np.exp(log_rate)
    return float(np.mean(rate - y * log_rate)), (y - rate) / np.size(log_rate)
