# %% [markdown]
# Every assignment so far has had to answer the same question on the side: *how good is this
# model on data it has not seen?* The training loss cannot answer it. A network with enough
# hidden units can drive its training error to zero on any labels, even random ones, so a low
# training error says little about new data. And every choice you make by looking at a score
# (the number of hidden units, the weight decay, the learning rate, when to stop) is itself a
# little bit of fitting. This assignment builds the tools that keep those choices honest:
#
# 1. a random **train / validation / test split** of the sample indices;
# 2. **k-fold cross-validation** splits, exactly those of scikit-learn's `KFold`;
# 3. **stratified** k-fold splits, which keep the class proportions in every fold;
# 4. **cross_val_score**, which fits and scores a model once per fold;
# 5. **grid_search**, which picks hyper-parameters by their mean cross-validated score.
#
# At the end you choose the hidden size and the weight decay of a small network on the 8x8
# digits by 5-fold cross-validation, watch the gap between training and validation error, and
# see how "leaking" a preprocessing step across the folds produces a score that is pure fiction.
#
# **Conventions.** The splitting functions never touch the data: they return **index arrays**
# (`int64`, sorted ascending) into the `N` samples, and you index `x[train_idx]`, `y[val_idx]`
# yourself. Randomness comes only from the `rng` argument (a `np.random.Generator`), and only
# through `rng.permutation`: the grader gives your function and the reference the same generator
# and expects the same indices. A model enters the last two functions as a callable,
#
# ```python
# score = fit_predict_score(x_train, y_train, x_val, y_val, **params)   # a float, higher is better
# ```
#
# that trains a fresh model on the training part and returns its score on the validation part.
# The locked setup cell below defines one such model, `ridge_scorer`, which the checks (and the
# grader) use.
#
# **Rules of the house**, as before: NumPy only, never change an input in place. Each function is
# followed by a locked check cell that prints `PASS`, `FAIL` with the reason, or
# `NOT IMPLEMENTED YET`. Passing these checks is a good sign, not your grade: the grader tries
# many other sizes and seeds.

# %% setup=true
import math

import numpy as np


# %% setup="reference.model_selection:ridge_scorer"

# %% check=true
from nnf_checks import check_close, fold_properties, skip_if_not_implemented


# %% [markdown]
# ## 1. Hold-out sets: train, validation, test
#
# The honest way to estimate how a model does on new data is to keep some data away from it.
# With enough data we keep two such sets, for two different jobs:
#
# | set | used for | looked at |
# |---|---|---|
# | **training** | fitting the weights (gradient descent) | every step |
# | **validation** | choosing hyper-parameters, early stopping, comparing models | many times |
# | **test** | reporting the final error of the final model | **once**, at the very end |
#
# Why two? Every time you pick the best of several models by their validation score, you pick
# partly the one that was *lucky* on those particular validation samples, so the winner's
# validation score is optimistic. The test set was never used to choose anything, so its score
# is an unbiased estimate of the chosen model's error on new data, as long as you resist the
# temptation to go back and "fix" the model after seeing it.
#
# **The split.** Draw one random permutation $p$ of $0, \dots, N-1$ and cut it into three pieces:
#
# $$n_\text{test} = \left\lfloor f_\text{test}\, N + \tfrac12 \right\rfloor, \quad
# n_\text{val} = \left\lfloor f_\text{val}\, N + \tfrac12 \right\rfloor, \qquad
# \text{test} = p[:n_\text{test}],\ \ \text{val} = p[n_\text{test} : n_\text{test} + n_\text{val}],\ \
# \text{train} = \text{the rest},$$
#
# each returned sorted. The sizes are the nearest integers (halves round up: $0.25 \cdot 10 = 2.5$
# gives 3), and the training set gets whatever is left, so that no sample is lost.
#
# **Hint.** One call `p = rng.permutation(N)`, slices in the order test, validation, training, and
# `np.sort`. Return `(train_idx, val_idx, test_idx)`, in that order, and raise a `ValueError` when
# the validation and test sets would leave no training sample.
#
# **Pitfalls.** Taking the first rows instead of a random subset: data sets are often stored in
# some order (by class, by date, by patient), and the last 20% of them are not like the rest.
# Computing all three sizes with `int(fraction * N)`: the sizes then do not add up to $N$ and
# samples silently disappear. `math.ceil(0.07 * 100)` is 8, not 7, because `0.07 * 100` is
# `7.000000000000001` in floating point: round to the nearest integer instead, but not with
# Python's `round`, which rounds halves to the even neighbour (`round(2.5)` is 2).

# %% solution="reference.model_selection:train_val_test_split"

# %% check=true
check_close("train_val_test_split",
           lambda: {"(train_idx, val_idx, test_idx)": train_val_test_split(
               10, val_fraction=0.2, test_fraction=0.3, rng=np.random.default_rng(0))},
           {"(train_idx, val_idx, test_idx)": ([0, 1, 5, 8, 9], [3, 7], [2, 4, 6])})


def split_sizes(n, val_fraction, test_fraction):
    parts = train_val_test_split(n, val_fraction=val_fraction, test_fraction=test_fraction,
                                 rng=np.random.default_rng(1))
    return [len(part) for part in parts]


check_close("train_val_test_split (sizes: 0.07 * 100, halves up, nothing lost)",
           lambda: {"sizes for N = 100, 0.07, 0.07": split_sizes(100, 0.07, 0.07),
                    "sizes for N = 7, 0.25, 0.25": split_sizes(7, 0.25, 0.25),
                    "sizes for N = 10, 0.25, 0.05": split_sizes(10, 0.25, 0.05)},
           {"sizes for N = 100, 0.07, 0.07": [86, 7, 7],
            "sizes for N = 7, 0.25, 0.25": [3, 2, 2],
            "sizes for N = 10, 0.25, 0.05": [6, 3, 1]})

# %% [markdown]
# ## 2. K-fold cross-validation
#
# A single validation set wastes data (those samples never train the model) and is noisy (with
# 100 validation samples, one lucky or unlucky sample moves the accuracy by a whole percent).
# **K-fold cross-validation** uses every sample for both jobs: cut the $N$ samples into $K$ blocks
# (folds); for $k = 0, \dots, K-1$, train on all folds but the $k$-th and validate on the $k$-th.
# Every sample is validated exactly once, by a model that did not see it.
#
# **Fold sizes.** When $K$ does not divide $N$, the folds cannot all have the same size. We follow
# scikit-learn's `KFold`: the **first** $N \bmod K$ folds get one sample more,
#
# $$n_k = \left\lfloor N / K \right\rfloor + \begin{cases} 1 & k < N \bmod K \\ 0 & \text{otherwise,} \end{cases}
# \qquad \text{val}_k = \{\, p_{s_k}, \dots, p_{s_k + n_k - 1} \,\}, \quad s_k = n_0 + \dots + n_{k-1},$$
#
# where $p = 0, 1, \dots, N-1$ without shuffling, and $p$ = `rng.permutation(N)` with
# `shuffle=True`. The training part of fold $k$ is every other index. For example $N = 7$,
# $K = 3$ gives sizes $3, 2, 2$ and validation folds $\{0,1,2\}, \{3,4\}, \{5,6\}$. With $K = N$
# every fold holds one sample: *leave-one-out* cross-validation.
#
# **Shapes.** A list of $K$ pairs `(train_idx, val_idx)`, int64 arrays of shapes $(N - n_k,)$ and
# $(n_k,)$, each sorted ascending (with shuffling, sort each block after cutting it from $p$).
#
# **Hint.** Keep a running start position $s_k$. A boolean mask of length $N$, `True` on the
# validation block, gives both sorted arrays at once with `np.flatnonzero(mask)` and
# `np.flatnonzero(~mask)`.
#
# **Pitfalls.** `N // K` samples per fold: the last $N \bmod K$ samples are then never validated.
# Giving the extra samples to the *last* folds: the sizes are right but in the wrong order, and
# the folds differ from scikit-learn's. Forgetting to remove the validation fold from the
# training part (the model then validates on samples it was trained on, and looks great). Not
# shuffling ordered data: with samples sorted by class, each fold is missing whole classes; use
# `shuffle=True` (or the stratified version below).

# %% solution="reference.model_selection:kfold"

# %% check=true
check_close("kfold(7, 3)", lambda: {"folds": kfold(7, 3)},
           {"folds": [([3, 4, 5, 6], [0, 1, 2]), ([0, 1, 2, 5, 6], [3, 4]), ([0, 1, 2, 3, 4], [5, 6])]})
check_close("kfold(4, 4) (leave-one-out)", lambda: {"folds": kfold(4, 4)},
           {"folds": [([1, 2, 3], [0]), ([0, 2, 3], [1]), ([0, 1, 3], [2]), ([0, 1, 2], [3])]})
check_close("kfold(8, 3, shuffle=True)",
           lambda: {"folds": kfold(8, 3, shuffle=True, rng=np.random.default_rng(0))},
           {"folds": [([0, 1, 5, 6, 7], [2, 3, 4]), ([1, 2, 3, 4, 7], [0, 5, 6]), ([0, 2, 3, 4, 5, 6], [1, 7])]})
check_close("kfold(23, 4) (disjoint, covering, first folds larger)",
           lambda: fold_properties(kfold(23, 4), 23), {"fold sizes": [6, 6, 6, 5]})

# %% [markdown]
# ## 3. Stratified k-fold
#
# With classes of unequal size, or few samples, plain k-fold can put most of a rare class into
# one fold: the model trained without it never predicts it, and the fold scores swing wildly.
# **Stratified** k-fold keeps the class proportions of the whole data set in every fold: each
# class is spread over the folds as evenly as possible. We reproduce scikit-learn's
# `StratifiedKFold` exactly. Its algorithm has two steps.
#
# **Step 1: how many samples of each class go to each fold.** Number the classes $0, \dots, C-1$
# in the order in which they **first appear** in `y` (not in sorted order), and write $c_i$ for
# the number of sample $i$'s class. Sort these codes and deal the sorted list round robin into
# the $K$ folds (entry $j$ goes to fold $j \bmod K$). Then $a_{kc}$, the number of class-$c$ codes
# dealt to fold $k$, is how many samples of class $c$ fold $k$ validates. For every class the
# $a_{kc}$ differ by at most one across the folds, and so do the fold sizes.
#
# **Step 2: which samples.** Class by class, walk through the samples of class $c$ in the order of
# their index and hand them out in consecutive blocks: the first $a_{0c}$ to fold 0, the next
# $a_{1c}$ to fold 1, and so on. That is, the samples of class $c$ get the fold labels
# $[0]\!\cdot\! a_{0c} + [1]\!\cdot\! a_{1c} + \dots$ (a list of $0$s, then $1$s, ...). With
# `shuffle=True`, pass that list through `rng.permutation` first, once per class, classes in the
# order of their code.
#
# **Example.** `y = [2, 0, 2, 2, 1, 0, 2, 1, 0, 2, 2, 2]`, $K = 3$. In order of appearance the
# classes are 2, 0, 1 (codes 0, 1, 2), with 7, 3 and 2 samples. The sorted codes
# `0 0 0 0 0 0 0 1 1 1 2 2` dealt into 3 folds give
#
# | | class 2 (code 0) | class 0 (code 1) | class 1 (code 2) | fold size |
# |---|---|---|---|---|
# | fold 0 | 3 | 1 | 0 | 4 |
# | fold 1 | 2 | 1 | 1 | 4 |
# | fold 2 | 2 | 1 | 1 | 4 |
#
# so the samples of class 2 (indices 0, 2, 3, 6, 9, 10, 11) go to folds 0, 0, 0, 1, 1, 2, 2, and the
# validation folds are $\{0,1,2,3\}$, $\{4,5,6,9\}$ and $\{7,8,10,11\}$.
#
# **Hint.** `np.unique(y, return_index=True, return_inverse=True)` gives each sorted label's first
# index and each sample's sorted-label number; ranking the first indices renumbers the classes by
# appearance. `np.bincount(sorted_codes[k::K], minlength=C)` is row $k$ of $a$, and `np.repeat`
# builds the list of fold labels of a class. Once every sample has a fold label, the folds are
# `fold_of == k` and `fold_of != k`, as masks.
#
# **Pitfalls.** Numbering the classes in sorted order: in the example, class 1 would then get
# code 1, and its samples would go to folds 0 and 1 instead of 1 and 2. Splitting each class into
# $K$ blocks on its own (`np.array_split` per class): every class then gives its extra samples to
# fold 0, and the first fold can end up several samples larger than the last.
# Running plain k-fold on the labels (sorted labels then put whole classes into single folds).

# %% solution="reference.model_selection:stratified_kfold"

# %% check=true
check_y = np.array([2, 0, 2, 2, 1, 0, 2, 1, 0, 2, 2, 2])
check_close("stratified_kfold (the example)", lambda: {"folds": stratified_kfold(check_y, 3)},
           {"folds": [([4, 5, 6, 7, 8, 9, 10, 11], [0, 1, 2, 3]),
                      ([0, 1, 2, 3, 7, 8, 10, 11], [4, 5, 6, 9]),
                      ([0, 1, 2, 3, 4, 5, 6, 9], [7, 8, 10, 11])]})
check_close("stratified_kfold (the example, shuffle=True)",
           lambda: {"folds": stratified_kfold(check_y, 3, shuffle=True, rng=np.random.default_rng(0))},
           {"folds": [([1, 2, 3, 4, 5, 6, 7, 9], [0, 8, 10, 11]),
                      ([0, 5, 6, 7, 8, 9, 10, 11], [1, 2, 3, 4]),
                      ([0, 1, 2, 3, 4, 8, 10, 11], [5, 6, 7, 9])]})


def classes_per_fold(y, n_splits):
    """How many samples of each class (sorted labels) every validation fold holds."""
    folds = stratified_kfold(y, n_splits)
    return {"fold sizes": fold_properties(folds, len(y))["fold sizes"],
            "class counts per fold": [[int(np.sum(y[val_idx] == c)) for c in np.unique(y)]
                                      for _, val_idx in folds]}


check_close("stratified_kfold (20 samples sorted by class, 4 folds)",
           lambda: classes_per_fold(np.repeat([0, 1, 2], [10, 6, 4]), 4),
           {"fold sizes": [5, 5, 5, 5], "class counts per fold": [[3, 1, 1], [3, 1, 1], [2, 2, 1], [2, 2, 1]]})

# %% [markdown]
# ## 4. Cross-validated scores
#
# With the folds fixed, cross-validation is a loop: for each fold, train a **fresh** model on the
# training part and score it on the validation part,
#
# $$s_k = \mathrm{fit\_predict\_score}\bigl(x[\text{train}_k],\, y[\text{train}_k],\, x[\text{val}_k],\, y[\text{val}_k]\bigr),
# \qquad \hat s_\text{CV} = \frac{1}{K}\sum_{k=0}^{K-1} s_k .$$
#
# `cross_val_score` returns the $K$ scores $s_k$, not their mean: the spread matters as much as
# the average.
#
# **How reliable is the mean?** The $s_k$ vary because each fold validates other samples with a
# model trained on other data. It is tempting to report $\hat s_\text{CV} \pm \mathrm{std}(s)/\sqrt K$,
# but that treats the $K$ scores as independent, and they are not: any two training sets share
# a fraction $(K-2)/(K-1)$ of their samples, so the scores move together, and there is no
# unbiased estimator of the variance of $\hat s_\text{CV}$ from a single run (Bengio & Grandvalet,
# 2004). The split itself is also random: another shuffle gives another $\hat s_\text{CV}$.
# Repeating cross-validation with several shuffles and averaging reduces that part of the noise;
# the first experiment below measures it. Treat differences between models smaller than the
# fold-to-fold spread with suspicion.
#
# **Leakage.** Everything the model learns from data must be learned inside
# `fit_predict_score`, from `x_train` only: the weights, but also the mean and standard deviation
# used for standardisation, the features that a selection step keeps, the vocabulary of a text
# model, the values used to fill in missing entries. Standardise the whole data set once before
# splitting and every validation fold has already influenced the model. Usually the damage is
# small; with feature selection it is dramatic (last experiment).
#
# **Shapes.** `x` is `(N, ...)`, `y` is `(N, ...)`, `folds` a list of $K$ pairs of index arrays (any
# folds: they need not cover all samples, nor be sorted). Returns a float64 array of shape `(K,)`.
#
# **Pitfalls.** Returning the mean instead of the $K$ scores. Swapping the roles, training on the
# small validation fold and scoring on the training part. Fitting one model before the loop and
# only scoring it per fold (it has seen every validation fold).

# %% solution="reference.model_selection:cross_val_score"

# %% check=true
check_x = np.linspace(-1.0, 1.0, 9)[:, None]
check_t = np.sin(2.0 * check_x[:, 0]) + 0.1 * np.cos(7.0 * check_x[:, 0])
check_folds = [(np.setdiff1d(np.arange(9), np.arange(k, 9, 3)), np.arange(k, 9, 3)) for k in range(3)]
check_close("cross_val_score",
           lambda: {"scores": cross_val_score(ridge_scorer(), check_x, check_t, check_folds)},
           {"scores": [-0.05646663876071941, -0.11193802059463775, -0.12332820057252386]})
check_close("cross_val_score (folds as given: the last one is unsorted and leaves samples out)",
           lambda: {"scores": cross_val_score(ridge_scorer(), check_x, check_t,
                                              check_folds[:2] + [(np.array([8, 0, 4]), np.array([6, 2]))])},
           {"scores": [-0.05646663876071941, -0.11193802059463775, -0.31428668077524374]})

# %% [markdown]
# ## 5. Grid search
#
# Hyper-parameters (hidden size, weight decay, learning rate, polynomial degree...) are not
# learned by gradient descent: we choose them by comparing validation scores. **Grid search**
# tries every combination of a few values per hyper-parameter and keeps the combination with the
# best mean cross-validated score,
#
# $$\bar s(\theta) = \frac1K \sum_{k} \mathrm{fit\_predict\_score}\bigl(x[\text{train}_k], y[\text{train}_k],
# x[\text{val}_k], y[\text{val}_k];\ \theta\bigr), \qquad \theta^\star = \arg\max_\theta \bar s(\theta),$$
#
# with the hyper-parameters $\theta$ passed as keyword arguments (`**params`), or $\arg\min$ when
# `greater_is_better=False` (for a loss, such as the mean squared error).
# Every combination is scored on the **same** folds, so that the comparison is fair.
#
# **The order of the results.** `grid` is a dict `{name: list of values}`. The combinations come
# in `itertools.product` order over the names **sorted alphabetically**, the last name varying
# fastest, and each value list in its given order: for `{"degree": [1, 3], "alpha": [10.0, 0.01]}`
# the order is (alpha 10, degree 1), (alpha 10, degree 3), (alpha 0.01, degree 1), (alpha 0.01,
# degree 3). Return `(best_params, results)`, where `results` is the list of
# `(params dict, mean score)` in that order and `best_params` is the best combination's dict (on a
# tie, the first one in that order).
#
# **Hint.** `itertools.product(*(grid[name] for name in sorted(grid)))` enumerates the values
# (`import itertools` at the top of your cell);
# `dict(zip(names, values))` makes the params dict, which you pass on as `**params`. Compare with
# a strict `>` (or `<`) so that the first of tied combinations stays the best.
#
# **Pitfalls.**
# - *Selecting on the test set.* If you pick the hyper-parameters by the test score, the test set
#   has become a validation set, and its score is as optimistic as any winner's score: the best
#   of many noisy estimates is biased upwards ("winner's curse"). Search on the training data with
#   cross-validation, then refit the winner on all of it and look at the test set once.
# - *The winner's CV score is optimistic too*, for the same reason. To estimate how well the whole
#   procedure (search included) generalises without a test set, run the search inside each fold of
#   an outer cross-validation (*nested* cross-validation).
# - *Leaking preprocessing across folds* (section 4): the preprocessing is part of the model, and
#   its parameters are hyper-parameters and weights like any other.
# - Iterating over `grid` in its insertion order, or sorting the values: the results come out in
#   another order. Ignoring `greater_is_better` (with a loss, the best is the smallest). Using `>=`,
#   which keeps the last of tied combinations.

# %% solution="reference.model_selection:grid_search"

# %% check=true
check_grid = {"degree": [1, 3], "alpha": [10.0, 0.01]}
check_close("grid_search",
           lambda: dict(zip(["best_params", "results"],
                            grid_search(ridge_scorer(), check_x, check_t, check_grid, check_folds))),
           {"best_params": {"alpha": 0.01, "degree": 3},
            "results": [({"alpha": 10.0, "degree": 1}, -0.41797558540639423),
                        ({"alpha": 10.0, "degree": 3}, -0.37621980101320923),
                        ({"alpha": 0.01, "degree": 1}, -0.06811525760547124),
                        ({"alpha": 0.01, "degree": 3}, -0.012595384394994238)]})
check_close("grid_search (a loss: greater_is_better=False)",
           lambda: {"best_params": grid_search(ridge_scorer("mse"), check_x, check_t, {"alpha": [0.01, 10.0, 1e-4]},
                                               check_folds, greater_is_better=False)[0]},
           {"best_params": {"alpha": 0.01}})

# %% [markdown]
# ## 6. Experiments (not graded)
#
# The data: scikit-learn's 8x8 handwritten digits (1797 images, 64 pixel values from 0 to 16, ten
# classes). To keep every experiment to a few seconds, 20% of the images form the
# **development set** on which all choices are made, and the other 80% a **test set** that is
# looked at once, at the very end.
#
# The model is a network with one hidden ReLU layer whose first layer is **random and frozen**
# (He-initialised, never trained) and whose output layer is trained by ridge regression on the
# one-hot labels: $\hat W_2 = (H^\top H + \lambda N I)^{-1} H^\top T$, with $H$ the hidden activations of
# the $N$ training images and $T$ their one-hot labels. This minimises the mean squared loss
# $\frac1N \lVert H W_2 - T \rVert^2 + \lambda \lVert W_2 \rVert^2$ of the last layer with weight decay
# $\lambda$ exactly, in closed form, so each fit takes
# milliseconds instead of an epoch loop, and it behaves like a trained network where it matters
# here: more hidden units fit the training set better, and weight decay reins them in. The
# standardisation of the pixels happens inside the fit, with training statistics only.

# %% experiment=true
import importlib.util
import os
import time

import matplotlib.pyplot as plt

try:  # one BLAS thread: these matrices are small, and threads mostly wait for each other
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None
if threadpool_limits is not None:
    threadpool_limits(1)

# scikit-learn's bundled copy of the digits, read directly (importing scikit-learn itself can take
# longer than these experiments). Each row: 64 pixel values, then the label.
DIGITS_CSV = os.path.join(os.path.dirname(importlib.util.find_spec("sklearn").origin), "datasets", "data",
                          "digits.csv.gz")
digits = np.loadtxt(DIGITS_CSV, delimiter=",")
images, labels = digits[:, :64], digits[:, 64].astype(np.int64)


def fit_random_relu_net(x_train, y_train, hidden, weight_decay):
    """Standardise with the training statistics, a frozen random ReLU layer of `hidden` units,
    an output layer fit by ridge regression on one-hot labels. Returns predict(x) -> labels."""
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    layer_rng = np.random.default_rng(hidden)  # the same random layer for every fold
    w1 = layer_rng.standard_normal((x_train.shape[1], hidden)) * np.sqrt(2.0 / x_train.shape[1])
    b1 = 0.1 * layer_rng.standard_normal(hidden)

    def hidden_units(x):
        return np.maximum(((x - mean) / std) @ w1 + b1, 0.0)

    h = hidden_units(x_train)
    targets = np.eye(10)[y_train]
    w2 = np.linalg.solve(h.T @ h + weight_decay * len(h) * np.eye(hidden), h.T @ targets)
    return lambda x: np.argmax(hidden_units(x) @ w2, axis=1)


def digit_accuracy(x_train, y_train, x_val, y_val, hidden=80, weight_decay=1e-3):
    """A fit_predict_score: accuracy on the validation part."""
    predict = fit_random_relu_net(x_train, y_train, hidden, weight_decay)
    return float(np.mean(predict(x_val) == y_val))


dev_idx, test_idx = None, None
with skip_if_not_implemented():
    dev_idx, _, test_idx = train_val_test_split(len(labels), val_fraction=0.0, test_fraction=0.8,
                                                rng=np.random.default_rng(0))
    x_dev, y_dev = images[dev_idx], labels[dev_idx]
    print(f"development set: {len(dev_idx)} images, test set: {len(test_idx)} images")
    print("development images per class:", np.bincount(y_dev, minlength=10).tolist())

# %% [markdown]
# ### How noisy is a validation score?
#
# One model (80 hidden units, weight decay $10^{-3}$), scored on the development set in two ways,
# each repeated with 12 different random splits: a single hold-out split (80% training, 20%
# validation), and 5-fold stratified cross-validation (the mean of the five fold scores). The
# model never changes; only the split does. The spread on the left is how much a validation score
# can move by luck alone.

# %% experiment=true
with skip_if_not_implemented():
    start = time.perf_counter()
    if dev_idx is None:
        raise NotImplementedError("train_val_test_split is needed first")
    hold_out, cv_means, fold_spread = [], [], []
    for repeat in range(12):
        split_rng = np.random.default_rng(100 + repeat)
        train_part, val_part, _ = train_val_test_split(len(y_dev), val_fraction=0.2, test_fraction=0.0,
                                                       rng=split_rng)
        hold_out.append(digit_accuracy(x_dev[train_part], y_dev[train_part], x_dev[val_part], y_dev[val_part]))
        folds = stratified_kfold(y_dev, 5, shuffle=True, rng=split_rng)
        scores = cross_val_score(digit_accuracy, x_dev, y_dev, folds)
        cv_means.append(scores.mean())
        fold_spread.append(scores.std())
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for row, (label, values) in enumerate([("one hold-out split", hold_out), ("5-fold CV mean", cv_means)]):
        ax.plot(values, np.full(len(values), row) + np.linspace(-0.1, 0.1, len(values)), "o", alpha=0.7)
        print(f"{label:18s}: accuracy {np.mean(values):.3f}, std over the 12 splits {np.std(values):.4f}")
    ax.set_yticks([0, 1], ["one hold-out split", "5-fold CV mean"])
    ax.set_ylim(-0.5, 1.5)
    ax.set_xlabel("validation accuracy of the same model")
    ax.set_title("the same model, 12 random splits")
    fig.tight_layout()
    plt.show()
    print(f"within one CV run, the five fold scores have a std of {np.mean(fold_spread):.4f} on average "
          f"({time.perf_counter() - start:.1f} s)")

# %% [markdown]
# ### Choosing the hidden size and the weight decay by 5-fold cross-validation
#
# A grid of 6 hidden sizes and 3 weight decays, each combination scored by your `grid_search` on
# the same stratified 5 folds of the development set. For the training error, your
# `cross_val_score` scores each fold's model on the data it was fit on (the validation arguments
# are the training part again). Then the winner is refit on the whole development set and tested
# once.

# %% experiment=true
HIDDEN = [10, 20, 40, 80, 160, 320]
DECAY = [1e-6, 1e-3, 1e-1]


def training_accuracy(x_train, y_train, x_val, y_val, **params):
    """A fit_predict_score that scores the model on its own training data."""
    return digit_accuracy(x_train, y_train, x_train, y_train, **params)


with skip_if_not_implemented():
    if dev_idx is None:
        raise NotImplementedError("train_val_test_split is needed first")
    start = time.perf_counter()
    folds = stratified_kfold(y_dev, 5, shuffle=True, rng=np.random.default_rng(1))
    best, results = grid_search(digit_accuracy, x_dev, y_dev, {"hidden": HIDDEN, "weight_decay": DECAY}, folds)
    _, train_results = grid_search(training_accuracy, x_dev, y_dev, {"hidden": HIDDEN, "weight_decay": DECAY},
                                   folds)
    cv_error = {(p["hidden"], p["weight_decay"]): 1.0 - s for p, s in results}
    train_error = {(p["hidden"], p["weight_decay"]): 1.0 - s for p, s in train_results}
    print(f"grid search: {len(results)} combinations x {len(folds)} folds in {time.perf_counter() - start:.1f} s")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for decay, colour in zip(DECAY, ["C0", "C1", "C2"]):
        ax.plot(HIDDEN, [cv_error[h, decay] for h in HIDDEN], "o-", color=colour,
                label=f"5-fold CV error, weight decay {decay:g}")
        ax.plot(HIDDEN, [train_error[h, decay] for h in HIDDEN], "s--", color=colour, alpha=0.6,
                label=f"training error, weight decay {decay:g}")
    ax.set_xscale("log", base=2)
    ax.set_xticks(HIDDEN, [str(h) for h in HIDDEN])
    ax.set_xlabel("hidden units")
    ax.set_ylabel("error rate")
    ax.set_title("training error vs cross-validated error")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()

    print(f"best: {best}, CV error {cv_error[best['hidden'], best['weight_decay']]:.3f}")
    predict = fit_random_relu_net(x_dev, y_dev, best["hidden"], best["weight_decay"])
    test_error = 1.0 - np.mean(predict(images[test_idx]) == labels[test_idx])
    print(f"the chosen model, refit on the whole development set: test error {test_error:.3f}")

# %% [markdown]
# Read the plot from left to right. With few hidden units both errors are high and close
# together: the model is too simple (it *underfits*). As the hidden layer grows, the training error
# falls to zero, faster than the validation error, and the gap between the dashed and the solid
# line of the same colour is the overfitting. Weight decay narrows the gap: it costs a little
# training error and buys validation error, most of all for the largest networks. Once the
# hidden layer has about as many units as there are training images (about 290 per fold here),
# a model with almost no weight decay can fit any labels, and its validation error goes back up.
#
# The training error alone could not have chosen: it is zero for every large network, whatever
# the weight decay. And compare the winner's CV error with its test error: the CV error of the
# winner is a slightly optimistic estimate, as section 5 predicted, because it is the best of 18
# noisy numbers (the refit on all development images, 25% more data than each fold's model had,
# works in the other direction).
#
# ### Leakage: selecting features before cross-validation
#
# 60 samples, 2000 features of pure noise, and random labels: no model can do better than 50%
# on new data. A classic mistake is to select, on **all** the data, the 20 features most
# correlated with the labels, and only then cross-validate a classifier on them. The validation
# folds took part in the selection, and with 2000 candidates some features correlate with the
# labels by chance, in the validation folds too. Done right, the selection is part of the model and
# runs inside `fit_predict_score` on the training part only.

# %% experiment=true
def top_features(x, y, count):
    """The `count` features most correlated (in absolute value) with the labels."""
    xc, yc = x - x.mean(axis=0), y - y.mean()
    correlation = (xc.T @ yc) / (np.linalg.norm(xc, axis=0) * np.linalg.norm(yc) + 1e-12)
    return np.argsort(-np.abs(correlation))[:count]


def nearest_centroid_accuracy(x_train, y_train, x_val, y_val):
    """Classify by the closer class mean; accuracy on the validation part."""
    centroids = np.stack([x_train[y_train == c].mean(axis=0) for c in (0, 1)])
    distances = ((x_val[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return float(np.mean(np.argmin(distances, axis=1) == y_val))


def select_then_classify(x_train, y_train, x_val, y_val):
    """The honest pipeline: feature selection is fit on the training part only."""
    keep = top_features(x_train, y_train, 20)
    return nearest_centroid_accuracy(x_train[:, keep], y_train, x_val[:, keep], y_val)


with skip_if_not_implemented():
    noise_rng = np.random.default_rng(3)
    leaky, honest = [], []
    for repeat in range(10):
        x_noise = noise_rng.standard_normal((60, 2000))
        y_noise = noise_rng.permutation(np.arange(60) % 2)
        folds = stratified_kfold(y_noise, 5, shuffle=True, rng=noise_rng)
        keep = top_features(x_noise, y_noise, 20)  # the leak: chosen with every validation fold
        leaky.append(cross_val_score(nearest_centroid_accuracy, x_noise[:, keep], y_noise, folds).mean())
        honest.append(cross_val_score(select_then_classify, x_noise, y_noise, folds).mean())
    print(f"selection before CV (leaky):  mean CV accuracy {np.mean(leaky):.2f} over 10 data sets")
    print(f"selection inside each fold:   mean CV accuracy {np.mean(honest):.2f} over 10 data sets")
    print("the truth, for labels that are coin flips: 0.50")

# %% [markdown]
# **Questions to think about.** Why does the hold-out score spread more than the CV mean, although
# both use the same 20%-sized validation folds? With 5 folds each training set holds 80% of the
# data; what happens to the bias and the variance of the CV estimate with $K = 2$ and with
# leave-one-out? In the leakage experiment, how does the leaky score change with 200 noise
# features instead of 2000, or with 5 selected features instead of 20? Which other preprocessing
# steps of assignment 3 must move inside `fit_predict_score`?
