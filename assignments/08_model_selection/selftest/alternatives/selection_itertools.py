# selftest: alternative
# description: cross_val_score as a list comprehension; grid_search with itertools.product, np.mean and max/min with a key (first of ties)
import itertools

import numpy as np


def cross_val_score(fit_predict_score, x, y, folds):
    return np.array([fit_predict_score(x[train], y[train], x[val], y[val]) for train, val in folds], dtype=np.float64)


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    names = sorted(grid)
    results = []
    for values in itertools.product(*[grid[name] for name in names]):
        params = dict(zip(names, values))
        scores = [fit_predict_score(x[train], y[train], x[val], y[val], **params) for train, val in folds]
        results.append((params, float(np.mean(scores))))
    pick = max if greater_is_better else min
    best_params = pick(results, key=lambda item: item[1])[0]
    return dict(best_params), results
