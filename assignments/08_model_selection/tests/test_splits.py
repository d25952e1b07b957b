"""Hidden tests of train_val_test_split, kfold and stratified_kfold.

Without shuffling, the folds must equal the reference's, which equal scikit-learn's KFold and
StratifiedKFold. With shuffling, the student's function and the reference get generators with
the same seed (a Generator travels to the worker by value), so a student who draws exactly what
the docstring says (rng.permutation) gets the same indices. Property tests (disjoint, covering,
sizes, sorted, stratified) run first where they give the clearer message.
"""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.errors import StudentException

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "train_val_test_split": {"dtype": "returns integer index arrays only", "purity": "takes no array argument"},
    "kfold": {"dtype": "returns integer index arrays only", "purity": "takes no array argument"},
    "stratified_kfold": {"dtype": "returns integer index arrays only"},
}


def seeded(rng, count=2):
    """Generators in the same state: one for the student, one for the reference (and spares)."""
    seed = int(rng.integers(2**63))
    return [np.random.default_rng(seed) for _ in range(count)]


# ---------------------------------------------------------------- train_val_test_split

SPLIT_HINT = ("cut p = rng.permutation(N) as test = p[:n_test], val = p[n_test:n_test + n_val], train = the rest, "
              "each sorted")


def three_sets(got, n_samples):
    got = returned(got, "train_val_test_split", "train_idx, val_idx, test_idx")
    sets = []
    for label, part in zip(("train_idx", "val_idx", "test_idx"), got):
        try:
            array = np.asarray(part)
        except ValueError:
            raise GradeFailure(f"{label} is not a flat array of indices") from None
        if part is None or array.ndim != 1:
            raise GradeFailure(f"{label} should be a 1-D array of indices; got {type(part).__name__}")
        if array.size and array.dtype.kind not in "iu":
            raise GradeFailure(f"{label} holds {array.dtype} values: index arrays must be integers (int64)")
        if array.size and (array.min() < 0 or array.max() >= n_samples):
            raise GradeFailure(f"{label} holds an index outside 0..N-1")
        sets.append(array.astype(np.int64))
    return sets


def check_split_partition(sets, n_samples):
    names = ("training", "validation", "test")
    for name, part in zip(names, sets):
        values, counts = np.unique(part, return_counts=True)
        if (counts > 1).any():
            raise GradeFailure(f"the {name} set lists sample {int(values[np.argmax(counts > 1)])} more than once")
    for a in range(3):
        for b in range(a + 1, 3):
            both = np.intersect1d(sets[a], sets[b])
            if both.size:
                raise GradeFailure(f"sample {int(both[0])} is in both the {names[a]} and the {names[b]} set: "
                                   f"the three sets must be disjoint")
    missing = np.setdiff1d(np.arange(n_samples), np.concatenate(sets))
    if missing.size:
        raise GradeFailure(f"sample {int(missing[0])} is in none of the three sets: the training set gets every "
                           f"sample that is not in the validation or test set, so that none is lost")


def split_variants(n_samples, val_fraction, test_fraction, seed_rng):
    """Known wrong orders of cutting the permutation."""
    p = seed_rng.permutation(n_samples)
    n_test = int(np.floor(test_fraction * n_samples + 0.5))
    n_val = int(np.floor(val_fraction * n_samples + 0.5))
    n_train = n_samples - n_test - n_val
    s = np.sort
    return {
        "the permutation cut in the order train, val, test; cut it as test, val, train":
            (s(p[:n_train]), s(p[n_train:n_train + n_val]), s(p[n_train + n_val:])),
        "the permutation cut in the order val, test, train; cut it as test, val, train":
            (s(p[n_val + n_test:]), s(p[:n_val]), s(p[n_val:n_val + n_test])),
        "the permutation cut as test, train, val: the validation set comes right after the test set":
            (s(p[n_test:n_test + n_train]), s(p[n_test + n_train:]), s(p[:n_test])),
    }


def check_split_sizes(sets, expected, n_samples):
    got_sizes, want_sizes = [len(s) for s in sets], [len(s) for s in expected]
    if got_sizes != want_sizes:
        if sum(got_sizes) < n_samples:
            hint = "samples were lost: the training set gets N - n_val - n_test samples"
        else:
            hint = ("n_test = floor(test_fraction N + 1/2) and n_val = floor(val_fraction N + 1/2), the nearest "
                    "integers with halves up (Python's round() rounds halves to even, and math.ceil turns "
                    "0.07 * 100 = 7.000000000000001 into 8)")
        raise GradeFailure(f"the (train, val, test) sizes are {tuple(got_sizes)}, expected {tuple(want_sizes)}: {hint}")


# Fractions at both ends of [0, 1): 0, and near 1 (a training set of a few samples).
SIZE_CASES = [(10, 0.2, 0.3), (30, 0.1, 0.1), (100, 0.07, 0.07), (7, 0.25, 0.25), (10, 0.25, 0.05), (1, 0.0, 0.0),
              (100, 0.15, 0.15), (13, 0.0, 0.3), (9, 0.5, 0.0), (40, 0.92, 0.0), (50, 0.0, 0.95)]


@pytest.mark.task08_train_val_test_split
@pytest.mark.parametrize("n,val_fraction,test_fraction", SIZE_CASES, ids=[f"N{n}-{v}-{t}" for n, v, t in SIZE_CASES])
@pytest.mark.contract("domain_edge")
def test_split_sizes(student, ref, rng, n, val_fraction, test_fraction):
    """Sizes round to the nearest integer (halves up); the training set gets the rest"""
    mine, theirs = seeded(rng)
    sets = three_sets(student.train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction,
                                                   rng=mine), n)
    expected = ref.train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction, rng=theirs)
    check_split_sizes(sets, expected, n)
    # Sizes alone are met by index arrays of zeros: the same weight group checks the partition.
    check_split_partition(sets, n)
    if n == 1:
        # One sample has one split, ([0], [], []), which a constant matches: the same weight group
        # also checks ten samples.
        mine, theirs = seeded(rng)
        sets = three_sets(student.train_val_test_split(10, val_fraction=0.2, test_fraction=0.3, rng=mine), 10)
        check_split_sizes(sets, ref.train_val_test_split(10, val_fraction=0.2, test_fraction=0.3, rng=theirs), 10)
        check_split_partition(sets, 10)


@pytest.mark.task08_train_val_test_split
@pytest.mark.parametrize("n,val_fraction,test_fraction", [(23, 0.15, 0.2), (50, 0.3, 0.1)], ids=["N23", "N50"])
def test_split_is_a_partition(student, rng, n, val_fraction, test_fraction):
    """The three sets are disjoint and together hold every sample once"""
    sets = three_sets(student.train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction,
                                                   rng=seeded(rng)[0]), n)
    check_split_partition(sets, n)


@pytest.mark.task08_train_val_test_split
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,val_fraction,test_fraction", [(10, 0.2, 0.3), (37, 0.2, 0.2), (64, 0.1, 0.25)],
                         ids=["N10", "N37", "N64"])
def test_split_matches_reference(student, ref, rng, n, val_fraction, test_fraction):
    """The same sets as the reference from the same generator (rng.permutation, cut test, val, train)"""
    mine, theirs, variants_rng = seeded(rng, 3)
    sets = three_sets(student.train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction,
                                                   rng=mine), n)
    check_split_partition(sets, n)
    expected = ref.train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction, rng=theirs)
    check_split_sizes(sets, expected, n)
    for label, part in zip(("train_idx", "val_idx", "test_idx"), sets):
        if np.any(np.diff(part) < 0):
            raise GradeFailure(f"{label} is not sorted ascending: np.sort each set")
    if all(np.array_equal(a, b) for a, b in zip(sets, expected)):
        return
    for mistake, wrong in split_variants(n, val_fraction, test_fraction, variants_rng).items():
        if all(np.array_equal(a, b) for a, b in zip(sets, wrong)):
            raise GradeFailure(f"the sets match a known mistake: {mistake}")
    name = next(label for label, a, b in zip(("training", "validation", "test"), sets, expected)
                if not np.array_equal(a, b))
    raise GradeFailure(f"the {name} set differs from the expected one: {SPLIT_HINT} (one draw from the "
                       f"generator given, nothing from np.random)")


@pytest.mark.task08_train_val_test_split
@pytest.mark.weight(0.5)
def test_split_rejects_an_empty_training_set(student, ref, rng):
    """Raises ValueError when the validation and test sets leave no training sample (and not before)"""
    # The condition, not just the exception: with N = 10 the same fractions leave one training
    # sample, and that split must come out right, so a function that always raises earns nothing.
    student_rng, reference_rng = seeded(rng)
    sets = three_sets(student.train_val_test_split(10, val_fraction=0.4, test_fraction=0.5, rng=student_rng), 10)
    expected = ref.train_val_test_split(10, val_fraction=0.4, test_fraction=0.5, rng=reference_rng)
    for name, got, want in zip(("training", "validation", "test"), sets, expected):
        if not np.array_equal(got, want):
            raise GradeFailure(f"N = 10 with val_fraction 0.4 and test_fraction 0.5 (one training sample left): the "
                               f"{name} set differs from the expected one: {SPLIT_HINT}")
    try:
        student.train_val_test_split(4, val_fraction=0.4, test_fraction=0.5, rng=seeded(rng)[0])
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"N = 4 with val_fraction 0.4 and test_fraction 0.5 raised {error.type_name}, "
                               f"expected ValueError") from None
        return
    raise GradeFailure("N = 4 with val_fraction 0.4 and test_fraction 0.5 leaves no training sample: raise "
                       "ValueError, as the docstring says")


# ---------------------------------------------------------------- kfold

KFOLD_HINT = ("the validation folds are consecutive blocks of 0..N-1 (of p = rng.permutation(N) with "
              "shuffle=True), the first N % K of them one sample larger")


def unshuffled(n, k):
    """kfold without shuffling, for naming the 'shuffle ignored' mistake."""
    bounds = np.cumsum([0] + [n // k + (1 if j < n % k else 0) for j in range(k)])
    return [(np.setdiff1d(np.arange(n), np.arange(a, b)), np.arange(a, b)) for a, b in zip(bounds[:-1], bounds[1:])]


def check_kfold(folds, got, ref_folds, n, k, name, variants=None):
    result = folds.like(got, n, k, name)
    folds.partition(result, n)
    folds.sizes(result, [len(v) for _, v in ref_folds], n)
    folds.sorted(result)
    folds.same(result, ref_folds, KFOLD_HINT, variants)


KFOLD_CASES = [(10, 5), (7, 3), (11, 4), (23, 6), (100, 7), (9, 2)]


@pytest.mark.task08_kfold
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,k", KFOLD_CASES, ids=[f"N{n}-K{k}" for n, k in KFOLD_CASES])
def test_kfold_equals_sklearn(student, ref, folds, n, k):
    """Without shuffling: the folds of scikit-learn's KFold (disjoint, covering, first N % K folds larger)"""
    check_kfold(folds, student.kfold(n, k), ref.kfold(n, k), n, k, "kfold")


@pytest.mark.task08_kfold
@pytest.mark.parametrize("draw", range(3))
def test_kfold_random_sizes(student, ref, rng, folds, draw):
    """Without shuffling, random N and K with a remainder N % K != 0"""
    k = int(rng.integers(3, 10))
    n = int(rng.integers(2, 8)) * k + int(rng.integers(1, k))
    check_kfold(folds, student.kfold(n, k), ref.kfold(n, k), n, k, "kfold")


@pytest.mark.task08_kfold
@pytest.mark.parametrize("n", [2, 7])
@pytest.mark.contract("domain_edge")
def test_kfold_leave_one_out(student, ref, folds, n):
    """K = N: leave-one-out, one sample per validation fold"""
    check_kfold(folds, student.kfold(n, n), ref.kfold(n, n), n, n, "kfold")


@pytest.mark.task08_kfold
@pytest.mark.weight(0.5)
def test_kfold_default_five_folds(student, ref, folds):
    """n_splits defaults to 5"""
    check_kfold(folds, student.kfold(12), ref.kfold(12), 12, 5, "kfold(12)")


@pytest.mark.task08_kfold
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,k", [(10, 3), (17, 5), (8, 8), (31, 4)], ids=["N10-K3", "N17-K5", "N8-K8", "N31-K4"])
def test_kfold_shuffled_matches_reference(student, ref, rng, folds, n, k):
    """shuffle=True: blocks of rng.permutation(N), the same generator as the reference's"""
    mine, theirs = seeded(rng)
    got = student.kfold(n, k, shuffle=True, rng=mine)
    variants = {"the folds are the unshuffled ones: with shuffle=True the shuffle was ignored; take the blocks "
                "from p = rng.permutation(N)": unshuffled(n, k)}
    check_kfold(folds, got, ref.kfold(n, k, shuffle=True, rng=theirs), n, k, "kfold", variants)


# ---------------------------------------------------------------- stratified_kfold

STRATIFIED_HINT = ("number the classes by first appearance in y, deal the sorted codes round robin into the K "
                   "folds to get the counts per fold and class, then give each class's samples (in index order) "
                   "to the folds in consecutive blocks")


def sorted_label_numbering(y, n_splits):
    """Stratified folds with the classes numbered in sorted label order, for naming that mistake."""
    classes, codes = np.unique(y, return_inverse=True)
    codes = codes.reshape(-1)
    dealt = np.sort(codes)
    allocation = np.stack([np.bincount(dealt[k::n_splits], minlength=len(classes)) for k in range(n_splits)])
    fold_of = np.empty(len(y), dtype=np.int64)
    for c in range(len(classes)):
        fold_of[codes == c] = np.repeat(np.arange(n_splits), allocation[:, c])
    return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)) for k in range(n_splits)]


def per_class_blocks(y, n_splits):
    """Each class split into K near-equal consecutive blocks on its own (np.array_split)."""
    fold_of = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        for k, block in enumerate(np.array_split(members, n_splits)):
            fold_of[block] = k
    return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)) for k in range(n_splits)]


def labels_case(name, rng):
    """(y, K) for one named kind of label vector."""
    if name == "grouped":  # sorted by class, as many data sets are stored
        return np.repeat([0, 1, 2], [10, 6, 4]), 4
    if name == "first-appearance":  # label 7 appears first, then 1, then 3
        y = rng.permutation(np.repeat([7, 1, 3], [9, 7, 5]))
        return np.concatenate([[7, 1, 3], y]), 3
    if name == "imbalanced":
        return rng.permutation(np.repeat([0, 1], [18, 5])), 5
    if name == "many-classes":
        counts = rng.integers(3, 9, size=5)
        return rng.permutation(np.repeat(np.arange(5) * 2 + 1, counts)), 3
    if name == "small-class":  # a class with fewer samples than folds is missing from some folds
        return np.concatenate([[1, 0], rng.permutation(np.repeat([0, 1], [9, 1]))]), 4
    if name == "two-folds":  # K = 2, the smallest K
        return rng.permutation(np.repeat([2, 5, 8], [7, 4, 6])), 2
    if name == "one-class-leave-one-out":  # K = N, the largest: possible only when one class holds every sample
        return np.full(6, 3), 6
    raise ValueError(name)


def check_stratified_kfold(folds, got, ref_folds, y, k, variants=None):
    n = len(y)
    result = folds.like(got, n, k, "stratified_kfold")
    folds.partition(result, n)
    folds.stratified(result, y)
    folds.sorted(result)
    folds.same(result, ref_folds, STRATIFIED_HINT, variants)


LABEL_CASES = ["grouped", "first-appearance", "imbalanced", "many-classes", "small-class", "two-folds",
               "one-class-leave-one-out"]


@pytest.mark.task08_stratified_kfold
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", LABEL_CASES)
@pytest.mark.contract("domain_edge")
def test_stratified_equals_sklearn(student, ref, rng, folds, case):
    """Without shuffling: the folds of scikit-learn's StratifiedKFold"""
    y, k = labels_case(case, rng)
    variants = {"classes numbered in sorted label order; number them by first appearance in y":
                sorted_label_numbering(y, k),
                "each class split into K blocks on its own (every class gives its extra samples to the first "
                "folds); deal the sorted class codes round robin to get the counts per fold":
                per_class_blocks(y, k)}
    check_stratified_kfold(folds, student.stratified_kfold(y, k), ref.stratified_kfold(y, k), y, k, variants)


@pytest.mark.task08_stratified_kfold
def test_stratified_spreads_every_class(student, rng, folds):
    """Every class is spread evenly over the validation folds (labels sorted by class)"""
    y = np.repeat([0, 1, 2, 3], [12, 8, 5, 7])
    result = folds.like(student.stratified_kfold(y, 4), len(y), 4, "stratified_kfold")
    folds.partition(result, len(y))
    folds.stratified(result, y)


@pytest.mark.task08_stratified_kfold
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", ["grouped", "many-classes"])
def test_stratified_shuffled_matches_reference(student, ref, rng, folds, case):
    """shuffle=True: each class's list of fold labels passed through rng.permutation, classes in code order"""
    y, k = labels_case(case, rng)
    mine, theirs = seeded(rng)
    variants = {"the folds are the unshuffled ones: with shuffle=True the shuffle was ignored":
                ref.stratified_kfold(y, k)}
    check_stratified_kfold(folds, student.stratified_kfold(y, k, shuffle=True, rng=mine),
                           ref.stratified_kfold(y, k, shuffle=True, rng=theirs), y, k, variants)
