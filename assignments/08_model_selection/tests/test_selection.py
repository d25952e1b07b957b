"""Hidden tests of cross_val_score and grid_search.

Both take a model as a callable, which cannot travel to the student's worker. The notebook's
locked setup cell defines ``ridge_scorer(metric) -> fit_predict_score``; calling it in the worker
returns a handle, and the handle is passed back as the student's fit_predict_score argument.
The conftest's ``scorer`` is the same factory on the grader's side, for the expected values.
The folds are the reference's (or irregular ones), so these tests do not depend on the
student's kfold.
"""

import itertools

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "grid_search": {"dtype": "returns dicts and mean scores, numbers that reach the grader as Python floats"},
}


def regression_data(rng, n, x_shape=(3,), y_shape=()):
    x = rng.standard_normal((n,) + x_shape)
    w = rng.standard_normal((int(np.prod(x_shape)),) + y_shape)
    y = np.tensordot(x.reshape(n, -1), w, axes=1) + 0.3 * rng.standard_normal((n,) + y_shape)
    return x, y


def curve_data(rng, n):
    x = rng.uniform(-1.0, 1.0, (n, 1))
    return x, np.sin(2.5 * x[:, 0]) + 0.1 * rng.standard_normal(n)


# ---------------------------------------------------------------- cross_val_score

def cv_variants(score, x, y, folds):
    """The per-fold scores of known mistakes."""
    right = np.array([score(x[t], y[t], x[v], y[v]) for t, v in folds])
    return {
        "train and validation swapped: fit on x[val_k] and score on x[train_k]":
            np.array([score(x[v], y[v], x[t], y[t]) for t, v in folds]),
        "one model fit on all the samples, scored on each fold: fit a fresh model on each fold's training part":
            np.array([score(x, y, x[v], y[v]) for _, v in folds]),
        "the mean over the folds repeated K times: return each fold's own score": np.full(len(folds), right.mean()),
        "the scores in reverse fold order": right[::-1].copy(),
    }


def check_scores(expect, got, score, x, y, folds):
    if isinstance(got, (int, float)):
        raise GradeFailure(f"cross_val_score returned a single number: return one score per fold, an array of "
                           f"shape (K,) = ({len(folds)},); the mean is the caller's job")
    expected = np.array([score(x[t], y[t], x[v], y[v]) for t, v in folds])
    expect(got, expected, name="scores", variants=cv_variants(score, x, y, folds))


@pytest.mark.task08_cross_val_score
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,k", [(20, 3), (23, 5)], ids=["N20-K3", "N23-K5"])
def test_scores_on_kfold(student, ref, rng, expect, scorer, student_scorer, n, k):
    """One score per fold, fit on the fold's training part and scored on its validation part"""
    x, y = regression_data(rng, n)
    folds = ref.kfold(n, k, shuffle=True, rng=rng)
    got = student.cross_val_score(student_scorer(), x, y, folds)
    check_scores(expect, got, scorer(), x, y, folds)


@pytest.mark.task08_cross_val_score
def test_scores_on_irregular_folds(student, rng, expect, scorer, student_scorer):
    """Any folds as given: unsorted, of different sizes, not covering every sample"""
    n = 30
    x, y = regression_data(rng, n, x_shape=(2,))
    folds = []
    for size in (4, 7, 3, 5):
        p = rng.permutation(n)
        folds.append((p[size:size + 12], p[:size]))
    got = student.cross_val_score(student_scorer(), x, y, folds)
    check_scores(expect, got, scorer(), x, y, folds)


@pytest.mark.task08_cross_val_score
def test_scores_with_multi_axis_data(student, ref, rng, expect, scorer, student_scorer):
    """x of shape (N, 2, 3) and y of shape (N, 2): index the first axis only"""
    x, y = regression_data(rng, 18, x_shape=(2, 3), y_shape=(2,))
    folds = ref.kfold(18, 4, shuffle=True, rng=rng)
    got = student.cross_val_score(student_scorer(), x, y, folds)
    check_scores(expect, got, scorer(), x, y, folds)


@pytest.mark.task08_cross_val_score
def test_scores_of_a_classifier(student, ref, rng, expect, scorer, student_scorer):
    """Accuracy of a sign classifier on +-1 labels, stratified folds"""
    x, target = regression_data(rng, 24)
    y = np.where(target > 0, 1.0, -1.0)
    y[:2] = [1.0, -1.0]
    folds = ref.stratified_kfold(y, 3)
    got = student.cross_val_score(student_scorer("accuracy"), x, y, folds)
    check_scores(expect, got, scorer("accuracy"), x, y, folds)


@pytest.mark.task08_cross_val_score
@pytest.mark.weight(0.5)
@pytest.mark.contract("domain_edge")
def test_scores_of_a_single_fold(student, rng, expect, scorer, student_scorer):
    """A list of one fold gives an array of one score"""
    x, y = regression_data(rng, 12)
    folds = [(np.arange(3, 12), np.arange(3))]
    got = student.cross_val_score(student_scorer(), x, y, folds)
    check_scores(expect, got, scorer(), x, y, folds)


# ---------------------------------------------------------------- grid_search

ORDER_HINT = ("combinations go in itertools.product order over the names sorted alphabetically (the last name "
              "varies fastest), each list of values in its given order")


def search_result(got):
    """(best_params, results) from the student's return value, or a GradeFailure naming the problem."""
    best, results = returned(got, "grid_search", "best_params, results")
    if not isinstance(best, dict):
        raise GradeFailure(f"best_params is a {type(best).__name__}, expected the params dict of the best combination")
    if not isinstance(results, (list, tuple)):
        raise GradeFailure(f"results is a {type(results).__name__}, expected a list of (params dict, mean score)")
    for i, item in enumerate(results):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], dict)):
            raise GradeFailure(f"results[{i}] should be a pair (params dict, mean score)")
        if isinstance(item[1], bool) or not isinstance(item[1], (int, float)):
            raise GradeFailure(f"results[{i}]'s mean score is a {type(item[1]).__name__}, expected a number")
    return best, list(results)


def product_in_order(grid, names):
    return [dict(zip(names, values)) for values in itertools.product(*(grid[name] for name in names))]


def check_order(results, expected, grid):
    got, want = [p for p, _ in results], [p for p, _ in expected]
    if len(got) != len(want):
        raise GradeFailure(f"results has {len(got)} entries, expected one per combination of the grid: {len(want)}")
    if got == want:
        return
    if got == product_in_order(grid, list(grid)) and list(grid) != sorted(grid):
        raise GradeFailure(f"the results follow the grid's own order of names {list(grid)}: go over the names "
                           f"sorted alphabetically, {sorted(grid)}; {ORDER_HINT}")
    i = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
    raise GradeFailure(f"results[{i}] has the params {got[i]}, expected {want[i]}: {ORDER_HINT}")


def grid_problem(rng, ref, n=24, k=4):
    x, y = curve_data(rng, n)
    return x, y, ref.kfold(n, k, shuffle=True, rng=rng)


# Names deliberately not in alphabetical order, values not sorted.
GRID = {"degree": [1, 3, 2], "alpha": [10.0, 0.01]}


@pytest.mark.task08_grid_search
@pytest.mark.weight(2)
def test_grid_results_order(student, ref, rng, scorer, student_scorer):
    """results: every combination once, in itertools.product order over the sorted names"""
    x, y, folds = grid_problem(rng, ref)
    best, results = search_result(student.grid_search(student_scorer(), x, y, GRID, folds))
    check_order(results, ref.grid_search(scorer(), x, y, GRID, folds)[1], GRID)


@pytest.mark.task08_grid_search
@pytest.mark.weight(2)
def test_grid_mean_scores(student, ref, rng, expect, scorer, student_scorer):
    """Each combination's score is the mean over the folds, on the same folds for every combination"""
    x, y, folds = grid_problem(rng, ref)
    _, results = search_result(student.grid_search(student_scorer(), x, y, GRID, folds))
    expected = ref.grid_search(scorer(), x, y, GRID, folds)[1]
    check_order(results, expected, GRID)
    per_fold = np.array([[scorer()(x[t], y[t], x[v], y[v], **params) for t, v in folds] for params, _ in expected])
    expect(np.array([s for _, s in results]), np.array([s for _, s in expected]), name="mean scores in results",
           variants={"the sum over the folds instead of the mean": per_fold.sum(axis=1),
                     "the score of the last fold only: average over all K folds": per_fold[:, -1].copy(),
                     "the score of the first fold only: average over all K folds": per_fold[:, 0].copy()})


def check_best(best, results, expected_best, greater_is_better):
    if best == expected_best:
        return
    scores = {tuple(sorted(p.items())): s for p, s in results}
    worst = min(scores, key=scores.get) if greater_is_better else max(scores, key=scores.get)
    if tuple(sorted(best.items())) == worst:
        if greater_is_better:
            raise GradeFailure(f"best_params {best} has the lowest mean score: with greater_is_better=True (a score "
                               f"such as accuracy) the best combination has the highest")
        raise GradeFailure(f"best_params {best} has the highest mean score: with greater_is_better=False (a loss) "
                           f"the best combination has the lowest")
    raise GradeFailure(f"best_params is {best}, expected {expected_best}: the combination with the best mean score")


@pytest.mark.task08_grid_search
@pytest.mark.weight(2)
def test_grid_best_is_the_highest_score(student, ref, rng, scorer, student_scorer):
    """greater_is_better=True (the default): best_params has the highest mean score"""
    x, y, folds = grid_problem(rng, ref)
    best, results = search_result(student.grid_search(student_scorer(), x, y, GRID, folds))
    check_best(best, results, ref.grid_search(scorer(), x, y, GRID, folds)[0], True)


@pytest.mark.task08_grid_search
@pytest.mark.weight(2)
def test_grid_best_is_the_lowest_loss(student, ref, rng, scorer, student_scorer):
    """greater_is_better=False: best_params has the lowest mean loss"""
    x, y, folds = grid_problem(rng, ref)
    grid = {"alpha": [3.0, 0.03, 1e-3, 30.0], "degree": [2, 1]}
    best, results = search_result(student.grid_search(student_scorer("mse"), x, y, grid, folds,
                                                      greater_is_better=False))
    check_best(best, results, ref.grid_search(scorer("mse"), x, y, grid, folds, greater_is_better=False)[0], False)


@pytest.mark.task08_grid_search
@pytest.mark.contract("domain_edge")
def test_grid_ties_keep_the_first(student, ref, rng, scorer, student_scorer):
    """On a tie, best_params is the first tied combination in results order"""
    n = 20
    x = rng.uniform(0.5, 2.0, (n, 1)) * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
    y = np.sign(x[:, 0])  # separable with a wide margin: every combination below classifies perfectly
    grid = {"degree": [1, 3], "alpha": [1.0, 0.1, 0.01]}
    folds = ref.kfold(n, 4, shuffle=True, rng=rng)
    expected_best, expected = ref.grid_search(scorer("accuracy"), x, y, grid, folds)
    top = max(s for _, s in expected)
    tied = [p for p, s in expected if s == top]
    assert len(tied) > 1, "grader error: the tie test has no tie"
    best, results = search_result(student.grid_search(student_scorer("accuracy"), x, y, grid, folds))
    # A constant best_params can hit the first tied combination by chance: the same weight group
    # checks the results it was chosen from.
    check_order(results, expected, grid)
    if best != expected_best and best in tied:
        raise GradeFailure(f"best_params is {best}, a later one of {len(tied)} tied combinations: keep the first in "
                           f"results order (compare with a strict > or <, not >=)")
    check_best(best, results, expected_best, True)


@pytest.mark.task08_grid_search
@pytest.mark.weight(0.5)
@pytest.mark.contract("domain_edge")
def test_grid_of_one_combination(student, ref, rng, expect, scorer, student_scorer):
    """A grid of one name and one value: one result, and it is the best"""
    x, y, folds = grid_problem(rng, ref, n=15, k=3)
    best, results = search_result(student.grid_search(student_scorer(), x, y, {"alpha": [0.5]}, folds))
    expected_best, expected = ref.grid_search(scorer(), x, y, {"alpha": [0.5]}, folds)
    check_order(results, expected, {"alpha": [0.5]})
    check_best(best, results, expected_best, True)
    per_fold = [scorer()(x[t], y[t], x[v], y[v], alpha=0.5) for t, v in folds]
    expect(results[0][1], expected[0][1], name="the mean score",
           variants={"the sum over the folds instead of the mean": np.sum(per_fold)})
