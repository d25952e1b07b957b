# selftest: mutant
# description: cross_val_score collects the scores in a float32 array (np.zeros(K, dtype=np.float32)): right to float32 precision, but float64 inputs must give float64 scores
# expect-lose: cross_val_score
# expect-feedback: float32
import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    scores = np.zeros(len(folds), dtype=np.float32)
    for k, (train_idx, val_idx) in enumerate(folds):
        scores[k] = fit_predict_score(x[train_idx], y[train_idx], x[val_idx], y[val_idx])
    return scores
