"""Shared helpers of the 08_model_selection hidden suite.

    folds_like(got, n_samples, n_splits, name) -> list of (train, val) int64 arrays
        the student's result as K pairs of 1-D integer index arrays in 0..N-1, or a GradeFailure
        saying what is malformed;
    check_partition(folds, n_samples)     validation folds disjoint and covering, each training
                                          part exactly the other samples;
    check_sizes(folds, expected_sizes)    fold sizes, with the usual remainder mistakes named;
    check_sorted(folds)                   every index array sorted ascending;
    check_same_folds(folds, expected, hint, variants)   fold by fold against the reference;
    check_stratified(folds, y)            every class spread evenly over the validation folds.

Each is a fixture returning the function (the suite runs with --import-mode=importlib, so test
modules cannot import from each other). ``scorer`` is reference.model_selection's
``ridge_scorer``, the factory the build inlines into the notebook's locked setup cell;
``student_scorer(metric)`` builds the student's copy in the worker and returns its handle, which
is passed back as the fit_predict_score argument.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.worker.protocol import Handle
from reference.model_selection import ridge_scorer


@pytest.fixture
def scorer():
    return ridge_scorer


@pytest.fixture
def student_scorer(student):
    def make(metric="neg_mse"):
        handle = student.ridge_scorer(metric)
        if not isinstance(handle, Handle):
            raise GradeFailure("the notebook's setup cell ridge_scorer is missing or was changed: keep the locked "
                               "cells as given")
        return handle

    return make


def _index_array(part, label: str, n_samples: int) -> np.ndarray:
    if part is None:
        raise GradeFailure(f"{label} is None (a missing return statement?)")
    if isinstance(part, (dict, str)) or not isinstance(part, (np.ndarray, list, tuple)):
        raise GradeFailure(f"{label} is a {type(part).__name__}, expected an array of indices")
    try:
        array = np.asarray(part)
    except ValueError:
        raise GradeFailure(f"{label} is not a flat array of indices") from None
    if array.ndim != 1:
        raise GradeFailure(f"{label} has shape {array.shape}, expected a 1-D array of indices")
    if array.size and array.dtype.kind not in "iu":
        raise GradeFailure(f"{label} holds {array.dtype} values: index arrays must be integers (int64); "
                           f"np.arange and np.flatnonzero give integers")
    if array.size and (array.min() < 0 or array.max() >= n_samples):
        bad = int(array.min() if array.min() < 0 else array.max())
        raise GradeFailure(f"{label} holds the index {bad}, outside 0..N-1 (N = {n_samples})")
    return array.astype(np.int64)


def folds_like(got, n_samples: int, n_splits: int, name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(got, (list, tuple)):
        raise GradeFailure(f"{name} should return a list of n_splits = {n_splits} pairs (train_idx, val_idx); "
                           f"got a {type(got).__name__}")
    if len(got) != n_splits:
        raise GradeFailure(f"{name} returned {len(got)} folds, expected n_splits = {n_splits}")
    folds = []
    for k, pair in enumerate(got):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            what = f"{len(pair)} items" if isinstance(pair, (list, tuple)) else f"a {type(pair).__name__}"
            raise GradeFailure(f"fold {k} should be a pair (train_idx, val_idx); got {what}")
        folds.append((_index_array(pair[0], f"fold {k}'s train_idx", n_samples),
                      _index_array(pair[1], f"fold {k}'s val_idx", n_samples)))
    return folds


def _first_repeat(array: np.ndarray) -> int | None:
    values, counts = np.unique(array, return_counts=True)
    return int(values[np.argmax(counts > 1)]) if (counts > 1).any() else None


def check_partition(folds, n_samples: int) -> None:
    for k, (train, val) in enumerate(folds):
        for label, part in (("val_idx", val), ("train_idx", train)):
            twice = _first_repeat(part)
            if twice is not None:
                raise GradeFailure(f"fold {k}'s {label} lists sample {twice} more than once")
        both = np.intersect1d(train, val)
        if both.size:
            raise GradeFailure(f"fold {k}: sample {int(both[0])} is in both train_idx and val_idx: the training "
                               f"part must leave the validation fold out (the model would be validated on "
                               f"samples it was trained on)")
        missing = np.setdiff1d(np.arange(n_samples), np.concatenate([train, val]))
        if missing.size:
            raise GradeFailure(f"fold {k}: sample {int(missing[0])} is in neither train_idx nor val_idx: the "
                               f"training part is every sample outside the validation fold")
    owner = np.full(n_samples, -1)
    for k, (_, val) in enumerate(folds):
        taken = val[owner[val] >= 0]
        if taken.size:
            i = int(taken[0])
            raise GradeFailure(f"fold {k} overlaps fold {owner[i]}: sample {i} is in both validation folds "
                               f"(validation folds must be disjoint)")
        owner[val] = k
    if (owner < 0).any():
        i = int(np.argmax(owner < 0))
        raise GradeFailure(f"sample {i} is never in a validation fold: together the K validation folds must "
                           f"cover all N = {n_samples} samples")


def check_sizes(folds, expected_sizes, n_samples: int) -> None:
    sizes = [int(len(val)) for _, val in folds]
    expected_sizes = [int(s) for s in expected_sizes]
    if sizes == expected_sizes:
        return
    if sum(sizes) < n_samples:
        hint = (f"they hold {sum(sizes)} of the N = {n_samples} samples (N // K per fold drops the remainder: "
                f"the first N % K folds get one sample more)")
    elif sorted(sizes) == sorted(expected_sizes):
        hint = "the first N % K folds get one sample more (scikit-learn's convention), not the last ones"
    else:
        hint = "fold k has N // K samples, plus one for each of the first N % K folds"
    raise GradeFailure(f"the validation folds have sizes {sizes}, expected {expected_sizes}: {hint}")


def check_sorted(folds) -> None:
    for k, (train, val) in enumerate(folds):
        for label, part in (("val_idx", val), ("train_idx", train)):
            if np.any(np.diff(part) < 0):
                raise GradeFailure(f"fold {k}'s {label} is not sorted ascending: sort each index array "
                                   f"(np.sort, or np.flatnonzero of a boolean mask)")


def _same(folds, expected) -> bool:
    return len(folds) == len(expected) and all(
        np.array_equal(t, et) and np.array_equal(v, ev) for (t, v), (et, ev) in zip(folds, expected))


def check_same_folds(folds, expected, hint: str, variants=None) -> None:
    """Fold by fold against the reference; a known mistake's folds are named when they match."""
    expected = [(np.asarray(t, dtype=np.int64), np.asarray(v, dtype=np.int64)) for t, v in expected]
    if _same(folds, expected):
        return
    for mistake, wrong in (variants or {}).items():
        if _same(folds, [(np.asarray(t), np.asarray(v)) for t, v in wrong]):
            raise GradeFailure(f"the folds match a known mistake: {mistake}")
    owner = np.full(sum(len(v) for _, v in expected), -1)
    for k, (_, val) in enumerate(expected):
        owner[val] = k
    for k, ((_, val), (_, want)) in enumerate(zip(folds, expected)):
        if not np.array_equal(val, want):
            extra = np.setdiff1d(val, want)
            if extra.size:
                i = int(extra[0])
                place = f"belongs to fold {owner[i]}'s" if 0 <= i < len(owner) and owner[i] >= 0 else "is in no"
                raise GradeFailure(f"fold {k}: sample {i} is in its validation fold but {place} validation "
                                   f"fold: {hint}")
            lacking = int(np.setdiff1d(want, val)[0])
            raise GradeFailure(f"fold {k}: sample {lacking} should be in its validation fold: {hint}")
    raise GradeFailure(f"the training parts differ from the expected ones: {hint}")


def check_stratified(folds, y) -> None:
    y = np.asarray(y)
    classes = np.unique(y)
    counts = np.array([[int(np.sum(y[val] == c)) for c in classes] for _, val in folds])
    for j, c in enumerate(classes):
        column = counts[:, j]
        if column.max() - column.min() > 1:
            hi, lo = int(np.argmax(column)), int(np.argmin(column))
            raise GradeFailure(f"class {c.item()!r} has {column[hi]} samples in fold {hi}'s validation part but "
                               f"{column[lo]} in fold {lo}'s: stratified folds spread every class evenly (its "
                               f"counts differ by at most 1 across the folds)")


@pytest.fixture
def folds():
    """The fold helpers, as one namespace: folds.like(...), folds.partition(...), ..."""
    class Helpers:
        like = staticmethod(folds_like)
        partition = staticmethod(check_partition)
        sizes = staticmethod(check_sizes)
        sorted = staticmethod(check_sorted)
        same = staticmethod(check_same_folds)
        stratified = staticmethod(check_stratified)

    return Helpers
