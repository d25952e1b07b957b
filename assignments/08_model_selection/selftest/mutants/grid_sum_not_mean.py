# selftest: mutant
# description: grid_search recording the sum of the fold scores instead of their mean
# expect-lose: grid_search
# expect-feedback: sum over the folds
import itertools

import numpy as np


def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    names = sorted(grid)
    results = []
    for values in itertools.product(*(grid[name] for name in names)):
        params = dict(zip(names, values))
        results.append((params, float(np.sum([fit_predict_score(x[t], y[t], x[v], y[v], **params)
                                              for t, v in folds]))))
    pick = max if greater_is_better else min
    return dict(pick(results, key=lambda item: item[1])[0]), results
