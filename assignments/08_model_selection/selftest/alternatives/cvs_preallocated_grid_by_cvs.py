# selftest: alternative
# description: cross_val_score filling a preallocated array with keyword arguments; grid_search built on it with a nested loop over sorted names and a running best
import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    scores = np.zeros(len(folds))
    for k in range(len(folds)):
        train, val = folds[k]
        scores[k] = fit_predict_score(x_train=x[train], y_train=y[train], x_val=x[val], y_val=y[val])
    return scores


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    combinations = [{}]
    for name in sorted(grid):
        combinations = [dict(c, **{name: v}) for c in combinations for v in grid[name]]
    sign = 1.0 if greater_is_better else -1.0
    results, best, best_key = [], None, -np.inf
    for params in combinations:
        scores = cross_val_score(lambda x_train, y_train, x_val, y_val: fit_predict_score(
            x_train, y_train, x_val, y_val, **params), x, y, folds)
        mean = scores.sum() / len(scores)
        results.append((params, float(mean)))
        if sign * mean > best_key:
            best, best_key = params, sign * mean
    return dict(best), results
