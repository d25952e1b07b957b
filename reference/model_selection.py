"""Model selection as pure functions over index arrays: splitting, cross-validation, grid search,
early stopping.

    folds = splitter(n_samples or y, n_splits, *, shuffle=False, rng=None)
            -> [(train_idx, val_idx), ...]       one pair per fold, int arrays sorted ascending
    score = fit_predict_score(x_train, y_train, x_val, y_val) -> float   (higher is better)
    fit_predict_score = ridge_scorer(metric)   one such scorer, cheap and exactly reproducible
                                               (08's notebook and its hidden suite share it)

Every splitter returns fresh int64 index arrays into the samples; the validation sets of the
folds are disjoint and together cover every sample once. Randomness comes only from ``rng``
(an ``np.random.Generator``), through ``rng.permutation`` alone.
"""

from __future__ import annotations

import math

import numpy as np

from reference._validate import shapes

__all__ = [
    "kfold", "stratified_kfold", "train_val_test_split",
    "cross_val_score", "grid_search", "early_stopping", "ridge_scorer",
]


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    """K-fold cross-validation splits: the folds of scikit-learn's ``KFold``.

    n_samples: int, the number of samples N. n_splits: int K with 2 <= K <= N.
    shuffle: if False, the validation folds are consecutive blocks of 0..N-1; if True, the
    blocks are taken from ``p = rng.permutation(N)`` instead of from 0..N-1.
    rng: np.random.Generator, required when shuffle=True and rejected otherwise.
    Returns a list of K pairs (train_idx, val_idx): int64 arrays of shapes (N - n_k,) and (n_k,),
    each sorted ascending, where fold k has n_k = N // K + (1 if k < N % K else 0) samples
    (the first N % K folds get one extra sample).
    Formula: val_k = sorted(p[s_k : s_k + n_k]) with s_k = n_0 + ... + n_{k-1} (p = 0..N-1 when
    not shuffling); train_k = the other indices, sorted.
    With shuffle=False the folds equal ``sklearn.model_selection.KFold(K).split``'s exactly.
    With shuffle=True they equal sklearn's folds of the same permutation, but a Generator's
    permutation differs from the one sklearn draws from ``np.random.RandomState(random_state)``,
    so ``KFold(K, shuffle=True, random_state=s)`` gives other folds than ``default_rng(s)``.
    """
    if not isinstance(n_samples, (int, np.integer)) or not isinstance(n_splits, (int, np.integer)):
        raise ValueError(f"kfold: n_samples and n_splits must be ints, got {n_samples!r} and {n_splits!r}")
    if not 2 <= n_splits <= n_samples:
        raise ValueError(f"kfold: need 2 <= n_splits <= n_samples, got n_splits={n_splits}, n_samples={n_samples}")
    if shuffle and rng is None:
        raise ValueError("kfold: shuffle=True needs an rng (np.random.Generator)")
    if not shuffle and rng is not None:
        raise ValueError("kfold: rng is only used when shuffle=True; pass shuffle=True or drop rng")
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    folds = []
    start = 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k < n_samples % n_splits else 0)
        # A boolean mask turns the block into sorted index arrays, as sklearn's split does.
        is_val = np.zeros(n_samples, dtype=bool)
        is_val[order[start:start + size]] = True
        folds.append((np.flatnonzero(~is_val).astype(np.int64), np.flatnonzero(is_val).astype(np.int64)))
        start += size
    return folds


@shapes(y=("N",))
def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    """Stratified K-fold splits: every fold keeps the class proportions of y (sklearn's
    ``StratifiedKFold`` algorithm, scikit-learn >= 0.22).

    y: (N,) class labels of any sortable kind. n_splits: int K with 2 <= K <= N and K no larger
    than the largest class. shuffle: whether to shuffle which fold each sample of a class goes to.
    rng: np.random.Generator, required when shuffle=True and rejected otherwise.
    Returns a list of K pairs (train_idx, val_idx) of int64 arrays sorted ascending.
    Algorithm: number the classes 0..C-1 by order of first appearance in y; sort these codes and
    deal them round robin into K folds, which gives a[k, c] = how many samples of class c fold k
    gets (for every c, the a[k, c] differ by at most 1 across k, and so do the fold sizes);
    then, class by class, the samples of class c in order of index go to folds
    [0]*a[0,c] + [1]*a[1,c] + ... (consecutive blocks), that list being passed through
    ``rng.permutation`` first when shuffle=True.
    With shuffle=False the folds equal ``sklearn.model_selection.StratifiedKFold(K).split``'s
    exactly. With shuffle=True the algorithm is sklearn's, but a Generator draws other
    permutations than sklearn's ``np.random.RandomState(random_state)``.
    A class with fewer than K samples is simply missing from some folds (sklearn warns).
    """
    y = np.asarray(y)
    n_samples = y.shape[0]
    if not isinstance(n_splits, (int, np.integer)):
        raise ValueError(f"stratified_kfold: n_splits must be an int, got {n_splits!r}")
    if not 2 <= n_splits <= n_samples:
        raise ValueError(
            f"stratified_kfold: need 2 <= n_splits <= len(y), got n_splits={n_splits}, len(y)={n_samples}")
    if shuffle and rng is None:
        raise ValueError("stratified_kfold: shuffle=True needs an rng (np.random.Generator)")
    if not shuffle and rng is not None:
        raise ValueError("stratified_kfold: rng is only used when shuffle=True; pass shuffle=True or drop rng")
    _, first_index, inverse = np.unique(y, return_index=True, return_inverse=True)
    # Classes are numbered by first appearance, not by sorted label: that decides which class
    # gets the extra samples in the first folds, and sklearn numbers them this way.
    _, class_rank = np.unique(first_index, return_inverse=True)
    codes = class_rank[inverse.reshape(-1)]
    n_classes = first_index.shape[0]
    counts = np.bincount(codes, minlength=n_classes)
    if n_splits > counts.max():
        raise ValueError(
            f"stratified_kfold: n_splits={n_splits} is greater than the size of every class (largest: {counts.max()})")
    dealt = np.sort(codes)
    allocation = np.stack([np.bincount(dealt[k::n_splits], minlength=n_classes) for k in range(n_splits)])
    fold_of = np.empty(n_samples, dtype=np.int64)
    for c in range(n_classes):
        folds_for_class = np.repeat(np.arange(n_splits), allocation[:, c])
        if shuffle:
            folds_for_class = rng.permutation(folds_for_class)
        fold_of[codes == c] = folds_for_class
    return [(np.flatnonzero(fold_of != k).astype(np.int64), np.flatnonzero(fold_of == k).astype(np.int64))
            for k in range(n_splits)]


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    """Random split of N samples into disjoint train, validation and test index sets.

    n_samples: int N >= 1. val_fraction, test_fraction: floats in [0, 1) with a sum below 1.
    rng: np.random.Generator; the split is drawn from ``p = rng.permutation(N)``.
    Returns (train_idx, val_idx, test_idx): int64 arrays of shapes (N - n_val - n_test,),
    (n_val,), (n_test,), each sorted ascending, together covering 0..N-1 once.
    Formula: n_test = floor(test_fraction N + 1/2), n_val = floor(val_fraction N + 1/2) (nearest
    integer, halves up); test = p[:n_test], val = p[n_test : n_test + n_val], train = the rest.
    Raises ValueError when the training set would be empty.
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"train_val_test_split: n_samples must be an int >= 1, got {n_samples!r}")
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            "train_val_test_split: need fractions in [0, 1) with a sum below 1, "
            f"got val_fraction={val_fraction}, test_fraction={test_fraction}")
    # Rounding to nearest rather than ceil: 0.07 * 100 is 7.000000000000001 in floating point.
    n_test = int(math.floor(test_fraction * n_samples + 0.5))
    n_val = int(math.floor(val_fraction * n_samples + 0.5))
    if n_test + n_val >= n_samples:
        raise ValueError(
            f"train_val_test_split: {n_val} validation + {n_test} test samples leave no training "
            f"sample out of {n_samples}")
    order = rng.permutation(n_samples)
    test_idx = np.sort(order[:n_test]).astype(np.int64)
    val_idx = np.sort(order[n_test:n_test + n_val]).astype(np.int64)
    train_idx = np.sort(order[n_test + n_val:]).astype(np.int64)
    return train_idx, val_idx, test_idx


@shapes(x=("N", ...), y=("N", ...))
def cross_val_score(fit_predict_score, x, y, folds):
    """Score a model on every fold: fit on the fold's training part, score on its validation part.

    fit_predict_score: callable (x_train, y_train, x_val, y_val) -> float that trains a fresh
    model and returns its validation score. x: (N, ...) inputs. y: (N, ...) targets.
    folds: list of K pairs (train_idx, val_idx) of int index arrays, e.g. from ``kfold``.
    Returns scores: (K,) float64, scores[k] = fit_predict_score(x[train_k], y[train_k],
    x[val_k], y[val_k]). The cross-validated score is the caller's ``scores.mean()``.
    The callable receives copies, so it cannot alter x or y.
    """
    scores = np.empty(len(folds), dtype=np.float64)
    for k, (train_idx, val_idx) in enumerate(folds):
        scores[k] = float(fit_predict_score(x[train_idx], y[train_idx], x[val_idx], y[val_idx]))
    return scores


@shapes(x=("N", ...), y=("N", ...))
def grid_search(fit_predict_score, x, y, grid, folds, *, greater_is_better=True):
    """Exhaustive search over a grid of hyper-parameters, scored by cross-validation.

    fit_predict_score: callable (x_train, y_train, x_val, y_val, **params) -> float.
    x: (N, ...) inputs. y: (N, ...) targets. grid: dict name -> list of values (every list
    non-empty). folds: list of K pairs (train_idx, val_idx), e.g. from ``kfold``.
    greater_is_better: True for scores such as accuracy, False for losses.
    Returns (best_params, results): results is a list of (params dict, mean score over the K
    folds) for every combination, in ``itertools.product`` order over the names sorted
    alphabetically (the last name varies fastest); best_params is the params dict with the best
    mean score, the first one in that order on ties.
    Formula: mean_score(params) = (1/K) sum_k fit_predict_score(x[train_k], y[train_k],
    x[val_k], y[val_k], **params).
    """
    for name in grid:
        if len(grid[name]) == 0:
            raise ValueError(f"grid_search: grid[{name!r}] is empty; every name needs at least one value")
    combinations = [{}]
    for name in sorted(grid):
        combinations = [{**params, name: value} for params in combinations for value in grid[name]]
    results = []
    best_params, best_score = None, None
    for params in combinations:
        scores = [float(fit_predict_score(x[train_idx], y[train_idx], x[val_idx], y[val_idx], **params))
                  for train_idx, val_idx in folds]
        mean_score = sum(scores) / len(scores)
        results.append((dict(params), mean_score))
        # Strict comparison keeps the first of tied combinations.
        if best_score is None or (mean_score > best_score if greater_is_better else mean_score < best_score):
            best_params, best_score = params, mean_score
    return dict(best_params), results


@shapes(val_history=("T",))
def early_stopping(val_history, *, patience, min_delta=0.0, mode="min"):
    """Decide, from the validation metric of every epoch so far, whether training should stop.

    val_history: (T,) the validation metric after epochs 0..T-1, T >= 1. patience: int >= 1,
    how many epochs without improvement to tolerate. min_delta: float >= 0, the margin an epoch
    must beat the best value by to count as an improvement. mode: "min" for losses, "max" for
    scores such as accuracy.
    Returns (should_stop, best_epoch): bool, and int the last epoch that improved (0 if none did).
    Formula (mode "min"; "max" mirrors it): best = +inf; epoch t improves iff
    v_t < best - min_delta, and then best = v_t; should_stop = (T - 1 - best_epoch) >= patience.
    Same rule as Keras' and PyTorch Lightning's EarlyStopping: ties and NaN never improve, and
    with min_delta > 0 a small gain neither improves nor moves best.
    """
    if mode not in ("min", "max"):
        raise ValueError(f"early_stopping: mode must be 'min' or 'max', got {mode!r}")
    if not isinstance(patience, (int, np.integer)) or patience < 1:
        raise ValueError(f"early_stopping: patience must be an int >= 1, got {patience!r}")
    if not min_delta >= 0:
        raise ValueError(f"early_stopping: min_delta must be >= 0, got {min_delta!r}")
    history = np.asarray(val_history, dtype=np.float64)
    if history.shape[0] == 0:
        raise ValueError("early_stopping: val_history is empty; call it after at least one epoch")
    sign = 1.0 if mode == "min" else -1.0
    best = math.inf
    best_epoch = 0
    for t in range(history.shape[0]):
        value = sign * float(history[t])
        if value < best - min_delta:
            best, best_epoch = value, t
    return bool(history.shape[0] - 1 - best_epoch >= patience), int(best_epoch)


def ridge_scorer(metric="neg_mse"):
    """A fit_predict_score for the checks and the grader: ridge regression on polynomial features,
    fit in closed form, so every call is cheap and exactly reproducible.

    metric: "neg_mse" (minus the mean squared error: higher is better), "mse" (lower is better)
    or "accuracy" (the fraction of validation targets y = +-1 whose sign is predicted right).
    Returns score(x_train, y_train, x_val, y_val, alpha=1.0, degree=1) -> float, which builds the
    features F = [1, x, x**2, ..., x**degree] of x (flattened to one row per sample), fits
    w = (F^T F + alpha I)^{-1} F^T y on the training part, and returns the metric of F w on the
    validation part.
    """
    if metric not in ("neg_mse", "mse", "accuracy"):
        raise ValueError(f"ridge_scorer: metric must be 'neg_mse', 'mse' or 'accuracy', got {metric!r}")

    def features(x, degree):
        x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return np.hstack([np.ones((len(x), 1))] + [x**p for p in range(1, degree + 1)])

    def fit_predict_score(x_train, y_train, x_val, y_val, alpha=1.0, degree=1):
        f_train = features(x_train, degree)
        gram = f_train.T @ f_train + alpha * np.eye(f_train.shape[1])
        w = np.linalg.solve(gram, f_train.T @ np.asarray(y_train, dtype=np.float64))
        pred = features(x_val, degree) @ w
        if metric == "accuracy":
            return float(np.mean(np.sign(pred) == y_val))
        mse = float(np.mean((pred - y_val) ** 2))
        return mse if metric == "mse" else -mse

    return fit_predict_score
