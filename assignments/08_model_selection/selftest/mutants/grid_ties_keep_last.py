# selftest: mutant
# description: grid_search comparing with >= (<= for losses): the last of tied combinations wins
# expect-lose: grid_search
# expect-feedback: tied combinations
import itertools

import numpy as np


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    names = sorted(grid)
    results, best, best_score = [], None, None
    for values in itertools.product(*(grid[name] for name in names)):
        params = dict(zip(names, values))
        mean = float(np.mean([fit_predict_score(x[t], y[t], x[v], y[v], **params) for t, v in folds]))
        results.append((params, mean))
        if best is None or (mean >= best_score if greater_is_better else mean <= best_score):
            best, best_score = params, mean
    return dict(best), results
