# selftest: mutant
# description: grid_search going over the names in the grid's insertion order instead of sorted
# expect-lose: grid_search
# expect-feedback: sorted alphabetically
import itertools

import numpy as np


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    names = list(grid)
    results = []
    for values in itertools.product(*(grid[name] for name in names)):
        params = dict(zip(names, values))
        scores = [fit_predict_score(x[t], y[t], x[v], y[v], **params) for t, v in folds]
        results.append((params, float(np.mean(scores))))
    pick = max if greater_is_better else min
    return dict(pick(results, key=lambda item: item[1])[0]), results
