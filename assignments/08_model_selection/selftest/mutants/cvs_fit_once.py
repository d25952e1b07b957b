# selftest: mutant
# description: cross_val_score training one model on all samples (the fold's validation part included) and scoring it per fold
# expect-lose: cross_val_score
# expect-feedback: fit a fresh model
import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    return np.array([fit_predict_score(x, y, x[v], y[v]) for _, v in folds])
