# selftest: mutant
# description: grid_search picking the worst combination (min instead of max, and max for losses)
# expect-lose: grid_search
# expect-feedback: lowest mean score
import itertools

import numpy as np


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    names = sorted(grid)
    results = []
    for values in itertools.product(*(grid[name] for name in names)):
        params = dict(zip(names, values))
        scores = [fit_predict_score(x[t], y[t], x[v], y[v], **params) for t, v in folds]
        results.append((params, float(np.mean(scores))))
    pick = min if greater_is_better else max
    best = pick(results, key=lambda item: item[1])[0]
    return dict(best), results
