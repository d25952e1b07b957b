"""Tests for reference.model_selection: scikit-learn's splitters as oracles, hand-worked folds,
properties of every split, and hand-made histories for early stopping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import KFold, StratifiedKFold

from reference.model_selection import (
    cross_val_score, early_stopping, grid_search, kfold, ridge_scorer, stratified_kfold, train_val_test_split,
)


def assert_same_folds(ours, theirs):
    theirs = list(theirs)
    assert len(ours) == len(theirs)
    for (train, val), (train_ref, val_ref) in zip(ours, theirs):
        np.testing.assert_array_equal(train, train_ref)
        np.testing.assert_array_equal(val, val_ref)


def assert_partition(folds, n_samples):
    """Validation sets disjoint and covering; each train set is exactly the complement."""
    all_val = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(all_val), np.arange(n_samples))
    for train, val in folds:
        assert train.dtype == np.int64 and val.dtype == np.int64
        assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)
        np.testing.assert_array_equal(np.union1d(train, val), np.arange(n_samples))
        assert np.intersect1d(train, val).size == 0


# --- kfold -------------------------------------------------------------------------------------

def test_kfold_equals_sklearn_for_many_sizes():
    for n in range(2, 41):
        for k in range(2, min(n, 12) + 1):
            assert_same_folds(kfold(n, k), KFold(k).split(np.zeros(n)))


def test_kfold_hand_example_first_folds_get_the_extra_sample():
    folds = kfold(10, 3)
    assert [val.tolist() for _, val in folds] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert folds[1][0].tolist() == [0, 1, 2, 3, 7, 8, 9]


@pytest.mark.parametrize("n, k, seed", [(10, 3, 0), (23, 5, 1), (50, 7, 2), (7, 7, 3)])
def test_kfold_shuffled_is_sklearns_folds_of_the_generators_permutation(n, k, seed):
    perm = np.random.default_rng(seed).permutation(n)
    folds = kfold(n, k, shuffle=True, rng=np.random.default_rng(seed))
    for (train, val), (train_ref, val_ref) in zip(folds, KFold(k).split(np.zeros(n))):
        np.testing.assert_array_equal(val, np.sort(perm[val_ref]))
        np.testing.assert_array_equal(train, np.sort(perm[train_ref]))


@pytest.mark.parametrize("n, k, seed", [(10, 3, 0), (23, 5, 1), (50, 7, 42)])
def test_kfold_shuffled_with_sklearns_random_state_stream_gives_sklearns_folds(n, k, seed):
    # KFold(shuffle=True) shuffles arange(n) with RandomState(seed), which is what
    # RandomState(seed).permutation(n) does: same permutation, so the very same folds.
    assert_same_folds(kfold(n, k, shuffle=True, rng=np.random.RandomState(seed)),
                      KFold(k, shuffle=True, random_state=seed).split(np.zeros(n)))


def test_kfold_shuffle_is_deterministic_given_the_seed_and_varies_with_it():
    a = kfold(30, 4, shuffle=True, rng=np.random.default_rng(5))
    b = kfold(30, 4, shuffle=True, rng=np.random.default_rng(5))
    c = kfold(30, 4, shuffle=True, rng=np.random.default_rng(6))
    assert_same_folds(a, b)
    assert any(not np.array_equal(u[1], v[1]) for u, v in zip(a, c))


@settings(deadline=None, max_examples=60)
@given(n=st.integers(2, 40), data=st.data(), shuffle=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_kfold_folds_partition_the_samples(n, data, shuffle, seed):
    k = data.draw(st.integers(2, n))
    folds = kfold(n, k, shuffle=shuffle, rng=np.random.default_rng(seed) if shuffle else None)
    assert len(folds) == k
    assert_partition(folds, n)
    sizes = [val.size for _, val in folds]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_samples=5, n_splits=1), "n_splits"),
    (dict(n_samples=5, n_splits=6), "n_splits"),
    (dict(n_samples=5, n_splits=2.0), "int"),
    (dict(n_samples=5, n_splits=2, shuffle=True), "rng"),
    (dict(n_samples=5, n_splits=2, rng=np.random.default_rng(0)), "shuffle"),
])
def test_kfold_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kfold(**kwargs)


# --- stratified_kfold --------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_stratified_kfold_equals_sklearn_on_random_labels():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(4, 60))
        n_classes = int(rng.integers(1, 6))
        # Skewed class probabilities give small classes, where the allocation rule matters most.
        p = rng.dirichlet(np.ones(n_classes) * 0.7)
        y = rng.choice(np.array([7, -3, 0, 12, 5])[:n_classes], size=n, p=p)
        k = int(rng.integers(2, min(n, np.unique(y, return_counts=True)[1].max()) + 1))
        assert_same_folds(stratified_kfold(y, k), StratifiedKFold(k).split(np.zeros(n), y))


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
@pytest.mark.parametrize("y", [
    list("bbaacabcbaccbbbaa"),                              # string labels, not in sorted order
    [2] * 5 + [0] * 11 + [1] * 3,                           # first appearance differs from sorted
    [1, 0] * 9 + [1],
])
def test_stratified_kfold_equals_sklearn_on_hand_labels(y):
    y = np.array(y)
    for k in range(2, 6):
        assert_same_folds(stratified_kfold(y, k), StratifiedKFold(k).split(np.zeros(len(y)), y))


def test_stratified_kfold_hand_example():
    # Six of class 0 then three of class 1 into three folds: two of class 0 and one of class 1
    # each, taken in index order within each class.
    folds = stratified_kfold(np.array([0] * 6 + [1] * 3), 3)
    assert [val.tolist() for _, val in folds] == [[0, 1, 6], [2, 3, 7], [4, 5, 8]]


@pytest.mark.parametrize("n, k, seed", [(30, 3, 0), (47, 5, 3)])
def test_stratified_kfold_shuffled_with_sklearns_random_state_stream_gives_sklearns_folds(n, k, seed):
    y = np.random.default_rng(seed).integers(0, 3, n)
    assert_same_folds(stratified_kfold(y, k, shuffle=True, rng=np.random.RandomState(seed)),
                      StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(n), y))


@settings(deadline=None, max_examples=60)
@given(y=st.lists(st.integers(0, 3), min_size=2, max_size=40), data=st.data(),
       shuffle=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_stratified_kfold_properties(y, data, shuffle, seed):
    y = np.array(y)
    assume(np.bincount(y).max() >= 2)
    k = data.draw(st.integers(2, min(len(y), np.bincount(y).max())))
    y_before = y.copy()
    folds = stratified_kfold(y, k, shuffle=shuffle, rng=np.random.default_rng(seed) if shuffle else None)
    np.testing.assert_array_equal(y, y_before)
    assert len(folds) == k
    assert_partition(folds, len(y))
    sizes = [val.size for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    for c in np.unique(y):
        per_fold = [int(np.sum(y[val] == c)) for _, val in folds]
        assert max(per_fold) - min(per_fold) <= 1


def test_stratified_kfold_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"y: expected shape \(N,\), got shape \(4, 2\)"):
        stratified_kfold(np.zeros((4, 2)), 2)
    with pytest.raises(ValueError, match="every class"):
        stratified_kfold(np.array([0, 1, 2, 3]), 2)
    with pytest.raises(ValueError, match="n_splits"):
        stratified_kfold(np.array([0, 0, 1]), 4)
    with pytest.raises(ValueError, match="rng"):
        stratified_kfold(np.array([0, 0, 1, 1]), 2, shuffle=True)


# --- train_val_test_split ----------------------------------------------------------------------

@pytest.mark.parametrize("n, val, test, sizes", [
    (10, 0.2, 0.3, (5, 2, 3)),
    (30, 0.1, 0.1, (24, 3, 3)),      # 0.1 * 30 is 3.0000000000000004: must not round up to 4
    (7, 0.5, 0.0, (3, 4, 0)),        # 3.5 rounds half up
    (1797, 0.15, 0.2, (1168, 270, 359)),
])
def test_train_val_test_split_sizes_and_partition(n, val, test, sizes):
    parts = train_val_test_split(n, val_fraction=val, test_fraction=test, rng=np.random.default_rng(0))
    assert tuple(p.size for p in parts) == sizes
    for p in parts:
        assert p.dtype == np.int64 and np.all(np.diff(p) > 0)
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(n))


def test_train_val_test_split_is_deterministic_and_random():
    a = train_val_test_split(100, val_fraction=0.2, test_fraction=0.2, rng=np.random.default_rng(1))
    b = train_val_test_split(100, val_fraction=0.2, test_fraction=0.2, rng=np.random.default_rng(1))
    c = train_val_test_split(100, val_fraction=0.2, test_fraction=0.2, rng=np.random.default_rng(2))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[2], c[2])
    assert not np.array_equal(a[2], np.arange(80, 100))          # not just the last block


@pytest.mark.parametrize("n, val, test", [(10, 0.5, 0.5), (10, -0.1, 0.2), (10, 0.2, 1.0), (2, 0.5, 0.5),
                                          (0, 0.1, 0.1)])
def test_train_val_test_split_rejects_bad_fractions(n, val, test):
    with pytest.raises(ValueError, match="train_val_test_split"):
        train_val_test_split(n, val_fraction=val, test_fraction=test, rng=np.random.default_rng(0))


# --- cross_val_score and grid_search -----------------------------------------------------------

def test_cross_val_score_hand_values():
    x = np.arange(10.0).reshape(10, 1)
    y = np.arange(10.0) ** 2
    scores = cross_val_score(lambda xt, yt, xv, yv: yv.mean() - xt.shape[0], x, y, kfold(10, 5))
    # Fold k validates on samples 2k, 2k+1 and trains on 8 samples.
    expected = [((2 * k) ** 2 + (2 * k + 1) ** 2) / 2 - 8 for k in range(5)]
    np.testing.assert_allclose(scores, expected, rtol=0, atol=0)
    assert scores.dtype == np.float64 and scores.shape == (5,)


def test_cross_val_score_passes_the_folds_rows_and_protects_the_inputs():
    x = np.random.default_rng(0).standard_normal((12, 3))
    y = np.arange(12)
    x0, y0 = x.copy(), y.copy()
    folds = kfold(12, 4, shuffle=True, rng=np.random.default_rng(1))
    seen = []

    def spy(xt, yt, xv, yv):
        seen.append((yt.copy(), yv.copy()))
        np.testing.assert_array_equal(xt, x0[yt])
        np.testing.assert_array_equal(xv, x0[yv])
        xt[:] = 0.0                        # a careless callable must not reach the caller's data
        yv[:] = -1
        return 0.0

    cross_val_score(spy, x, y, folds)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    for (yt, yv), (train, val) in zip(seen, folds):
        np.testing.assert_array_equal(yt, train)
        np.testing.assert_array_equal(yv, val)


def test_cross_val_score_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=r"y: expected shape \(N, \.\.\.\) with N=5, got shape \(4,\)"):
        cross_val_score(lambda *a: 0.0, np.zeros((5, 2)), np.zeros(4), kfold(4, 2))


def toy_score(xt, yt, xv, yv, *, a, b):
    """Maximised at a=2, b=0.5; the data enters through a fold-dependent offset."""
    return -(a - 2) ** 2 - (b - 0.5) ** 2 + 0.01 * float(yv.mean())


def test_grid_search_finds_the_known_best():
    x, y = np.zeros((10, 1)), np.arange(10.0)
    grid = {"b": [0.0, 0.5, 1.0], "a": [0, 1, 2, 3]}
    best, results = grid_search(toy_score, x, y, grid, kfold(10, 5))
    assert best == {"a": 2, "b": 0.5}
    # Mean of the offsets over the folds is 0.01 * mean(y) = 0.045 for every combination.
    assert dict((tuple(sorted(p.items())), s) for p, s in results)[(("a", 3), ("b", 1.0))] == pytest.approx(
        -1 - 0.25 + 0.045, abs=1e-12)


def test_grid_search_order_is_itertools_product_over_sorted_names():
    grid = {"lr": [0.1, 0.01], "depth": [1, 2, 3], "act": ["relu", "tanh"]}
    _, results = grid_search(lambda *a, **p: 0.0, np.zeros((4, 1)), np.zeros(4), grid, kfold(4, 2))
    names = sorted(grid)
    expected = [dict(zip(names, values)) for values in itertools.product(*(grid[k] for k in names))]
    assert [p for p, _ in results] == expected


def test_grid_search_mean_matches_cross_val_score():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((15, 2)), rng.standard_normal(15)
    folds = kfold(15, 4, shuffle=True, rng=rng)

    def ridge_mse(xt, yt, xv, yv, *, lam):
        w = np.linalg.solve(xt.T @ xt + lam * np.eye(2), xt.T @ yt)
        return float(np.mean((xv @ w - yv) ** 2))

    best, results = grid_search(ridge_mse, x, y, {"lam": [0.0, 1.0, 100.0]}, folds, greater_is_better=False)
    means = [cross_val_score(lambda *a, lam=lam: ridge_mse(*a, lam=lam), x, y, folds).mean()
             for lam in (0.0, 1.0, 100.0)]
    np.testing.assert_allclose([s for _, s in results], means, rtol=1e-12)
    assert best == {"lam": [0.0, 1.0, 100.0][int(np.argmin(means))]}


def test_grid_search_ties_go_to_the_first_and_direction_is_honoured():
    score = lambda *a, c: {0: 1.0, 1: 3.0, 2: 3.0, 3: -1.0, 4: -1.0}[c]  # noqa: E731
    args = (np.zeros((4, 1)), np.zeros(4), {"c": [0, 1, 2, 3, 4]}, kfold(4, 2))
    assert grid_search(score, *args)[0] == {"c": 1}
    assert grid_search(score, *args, greater_is_better=False)[0] == {"c": 3}


def test_grid_search_rejects_an_empty_value_list():
    with pytest.raises(ValueError, match="'a'"):
        grid_search(toy_score, np.zeros((4, 1)), np.zeros(4), {"a": [], "b": [1]}, kfold(4, 2))


# --- early_stopping ----------------------------------------------------------------------------

@pytest.mark.parametrize("history, kwargs, expected", [
    ([1.0, 0.8, 0.9, 0.85, 0.95], dict(patience=3), (True, 1)),
    ([1.0, 0.8, 0.9, 0.85, 0.95], dict(patience=4), (False, 1)),
    ([1.0, 0.8, 0.9, 0.85, 0.7], dict(patience=3), (False, 4)),
    ([1.0], dict(patience=1), (False, 0)),
    ([1.0, 1.0], dict(patience=1), (True, 0)),                          # a tie is no improvement
    ([1.0, 0.95, 0.92], dict(patience=2, min_delta=0.1), (True, 0)),   # gains below min_delta
    ([1.0, 0.95, 0.92, 0.85], dict(patience=3, min_delta=0.1), (False, 3)),
    ([1.0, 0.95, 0.85], dict(patience=2, min_delta=0.1), (False, 2)),  # 0.85 < 1.0 - 0.1
    ([0.5, 0.7, 0.7, 0.6], dict(patience=2, mode="max"), (True, 1)),
    ([0.5, 0.7, 0.75], dict(patience=1, mode="max", min_delta=0.1), (True, 1)),
    ([1.0, float("nan"), float("nan")], dict(patience=2), (True, 0)),
    ([float("nan"), 2.0, 3.0], dict(patience=2), (False, 1)),
])
def test_early_stopping_hand_histories(history, kwargs, expected):
    assert early_stopping(history, **kwargs) == expected
    stop, best = early_stopping(np.array(history), **kwargs)
    assert type(stop) is bool and type(best) is int


@settings(deadline=None, max_examples=100)
@given(history=st.lists(st.integers(-5, 5).map(float), min_size=1, max_size=30), patience=st.integers(1, 6))
def test_early_stopping_without_min_delta_is_first_argmin(history, patience):
    h = np.array(history)
    h0 = h.copy()
    best = int(np.argmin(h))                 # np.argmin returns the first of tied minima
    assert early_stopping(h, patience=patience) == (len(h) - 1 - best >= patience, best)
    assert early_stopping(-h, patience=patience, mode="max") == early_stopping(h, patience=patience)
    np.testing.assert_array_equal(h, h0)


@pytest.mark.parametrize("history, kwargs, match", [
    ([], dict(patience=2), "empty"),
    ([1.0], dict(patience=0), "patience"),
    ([1.0], dict(patience=2, mode="lowest"), "mode"),
    ([1.0], dict(patience=2, min_delta=-0.1), "min_delta"),
    ([[1.0, 2.0]], dict(patience=2), r"val_history: expected shape \(T,\), got shape \(1, 2\)"),
])
def test_early_stopping_rejects_bad_arguments(history, kwargs, match):
    with pytest.raises(ValueError, match=match):
        early_stopping(history, **kwargs)


# --- ridge_scorer (08's setup-cell helper; the hidden suite computes its expected scores with it) --


def test_ridge_scorer_hand_values():
    # F = [[1, 0], [1, 1]], F^T F + I = [[3, 1], [1, 2]], F^T y = [1, 1]: w = [1/5, 2/5]
    x_train, y_train = np.array([[0.0], [1.0]]), np.array([0.0, 1.0])
    x_val = np.array([[2.0], [-1.0]])  # predictions 1.0 and -0.2
    assert ridge_scorer("mse")(x_train, y_train, x_val, np.array([3.0, 0.8])) == pytest.approx((4.0 + 1.0) / 2)
    assert ridge_scorer()(x_train, y_train, x_val, np.array([3.0, 0.8])) == pytest.approx(-2.5)
    assert ridge_scorer("accuracy")(x_train, y_train, x_val, np.array([1.0, 1.0])) == 0.5
    assert ridge_scorer("accuracy")(x_train, y_train, x_val, np.array([1.0, -1.0])) == 1.0


def test_ridge_scorer_fits_a_polynomial_of_its_degree():
    # y = 1 + 2x - x^2, almost no penalty: degree 2 predicts x = 3 exactly, degree 1 cannot
    x = np.array([[-1.0], [0.0], [1.0], [2.0]])
    y = 1 + 2 * x[:, 0] - x[:, 0] ** 2
    score = ridge_scorer("mse")
    assert score(x, y, np.array([[3.0]]), np.array([-2.0]), alpha=1e-12, degree=2) == pytest.approx(0.0, abs=1e-12)
    assert score(x, y, np.array([[3.0]]), np.array([-2.0]), alpha=1e-12, degree=1) > 1.0


def test_ridge_scorer_flattens_each_sample_and_rejects_an_unknown_metric():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((6, 2, 2)), rng.standard_normal(6)
    score = ridge_scorer("mse")
    assert score(x[:4], y[:4], x[4:], y[4:]) == score(x[:4].reshape(4, 4), y[:4], x[4:].reshape(2, 4), y[4:])
    with pytest.raises(ValueError, match="metric must be 'neg_mse', 'mse' or 'accuracy', got 'mae'"):
        ridge_scorer("mae")
