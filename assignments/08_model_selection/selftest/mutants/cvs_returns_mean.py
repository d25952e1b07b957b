# selftest: mutant
# description: cross_val_score returning the mean score instead of the K per-fold scores
# expect-lose: cross_val_score
# expect-feedback: single number
import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    scores = [fit_predict_score(x[t], y[t], x[v], y[v]) for t, v in folds]
    return float(np.mean(scores))
