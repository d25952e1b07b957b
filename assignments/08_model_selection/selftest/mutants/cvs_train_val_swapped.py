# selftest: mutant
# description: cross_val_score fitting on the validation fold and scoring on the training part
# expect-lose: cross_val_score
# expect-feedback: swapped
import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    return np.array([fit_predict_score(x[v], y[v], x[t], y[t]) for t, v in folds])
