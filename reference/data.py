"""Datasets that need no network: small synthetic problems and scikit-learn's bundled digits.

    x, y = dataset(n, *, noise, rng)        x (n, 2) float64 points, y (n,) int64 labels

Synthetic generators draw only from the ``rng`` (np.random.Generator) they are given, so a
seed fixes the data. The other shapes: ``digits()`` and ``digits_split()`` (8x8 images),
``poisson_claims`` (count regression with exposure), ``sequences`` (token sequences for an
RNN) and ``standardize`` (column-wise z-scores).
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes

__all__ = ["xor", "spirals", "moons", "digits", "digits_split", "poisson_claims", "sequences", "standardize"]


def xor(n=200, *, noise, rng):
    """Four Gaussian blobs at the corners (+-1, +-1); the label is 1 where the signs differ.

    n: number of points (the four corners get n // 4 or n // 4 + 1 each, in random order).
    noise: standard deviation of the Gaussian noise added to each coordinate. rng: Generator.
    Returns x: (n, 2) float64, y: (n,) int64 in {0, 1}.
    Formula: corner c in {0,1}^2, x = 2c - 1 + noise * N(0, I), y = c_0 XOR c_1.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"xor: n must be an int >= 1, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"xor: noise must be >= 0, got {noise!r}")
    corner = rng.permutation(np.arange(n) % 4)
    bits = np.stack([corner // 2, corner % 2], axis=1)
    x = (2.0 * bits - 1.0) + noise * rng.standard_normal((n, 2))
    return x, (bits[:, 0] ^ bits[:, 1]).astype(np.int64)


def spirals(n_per_class, n_classes=3, *, noise, rng):
    """Interleaved spiral arms, one per class (the CS231n toy problem).

    n_per_class: points per arm (>= 2). n_classes: number of arms. noise: standard deviation of
    the Gaussian noise added to the angle. rng: Generator.
    Returns x: (n_classes * n_per_class, 2) float64, y: (n_classes * n_per_class,) int64, grouped
    by class (rows j*n .. (j+1)*n - 1 are class j).
    Formula: for class j and i = 0..n-1: r_i = i / (n - 1),
    theta_i = 4 (j + i / (n - 1)) + noise * N(0, 1), x = r_i (sin theta_i, cos theta_i).
    """
    if not isinstance(n_per_class, (int, np.integer)) or n_per_class < 2:
        raise ValueError(f"spirals: n_per_class must be an int >= 2, got {n_per_class!r}")
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"spirals: n_classes must be an int >= 2, got {n_classes!r}")
    if not noise >= 0:
        raise ValueError(f"spirals: noise must be >= 0, got {noise!r}")
    radius = np.linspace(0.0, 1.0, n_per_class)
    xs, ys = [], []
    for j in range(n_classes):
        theta = np.linspace(4.0 * j, 4.0 * (j + 1), n_per_class) + noise * rng.standard_normal(n_per_class)
        xs.append(np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1))
        ys.append(np.full(n_per_class, j, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def moons(n, *, noise, rng):
    """Two interleaving half circles (the layout of ``sklearn.datasets.make_moons``).

    n: number of points; the upper moon (class 0) gets n // 2, the lower one the rest.
    noise: standard deviation of the Gaussian noise added to each coordinate. rng: Generator.
    Returns x: (n, 2) float64, y: (n,) int64, grouped by class (class 0 first).
    Formula: class 0: (cos t, sin t), t = linspace(0, pi, n // 2); class 1: (1 - cos s,
    1/2 - sin s), s = linspace(0, pi, n - n // 2); then x += noise * N(0, I).
    With noise=0 this equals ``make_moons(n, shuffle=False)``.
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"moons: n must be an int >= 2, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"moons: noise must be >= 0, got {noise!r}")
    n_upper = n // 2
    t = np.linspace(0.0, np.pi, n_upper)
    s = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(s), 0.5 - np.sin(s)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n - n_upper, dtype=np.int64)])
    return x, y


def digits():
    """scikit-learn's bundled 8x8 handwritten digits (read from its package data, no download).

    Returns x: (1797, 64) float64 pixel intensities, integers in [0, 16], row-major 8x8 images;
    y: (1797,) int64 digit labels 0..9.
    """
    # Imported here so that `import reference.data` stays cheap for everything else.
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return np.asarray(bunch.data, dtype=np.float64).copy(), np.asarray(bunch.target, dtype=np.int64).copy()


def digits_split(*, rng_seed=0, test_fraction=0.2):
    """The digits, split into stratified train/test sets and standardised with the train statistics.

    rng_seed: seed of the ``np.random.default_rng`` drawing the split. test_fraction: in (0, 1);
    each class c of size n_c puts round(test_fraction * n_c) of its samples (chosen at random) in
    the test set.
    Returns (x_train, y_train, x_test, y_test): x_* (n_*, 64) float64, y_* (n_*,) int64 with
    n_train + n_test = 1797; rows of each set in increasing order of their index in ``digits()``.
    Formula: (mu, sigma) = column mean and population std of the raw x_train (sigma = 1 on
    constant pixels); x_* = (raw x_* - mu) / sigma for both sets (see ``standardize``).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"digits_split: test_fraction must be in (0, 1), got {test_fraction!r}")
    x, y = digits()
    rng = np.random.default_rng(rng_seed)
    in_test = np.zeros(y.shape[0], dtype=bool)
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        n_test = int(np.floor(test_fraction * members.shape[0] + 0.5))
        in_test[rng.permutation(members)[:n_test]] = True
    x_train, mean, std = standardize(x[~in_test])
    x_test, _, _ = standardize(x[in_test], mean, std)
    return x_train, y[~in_test], x_test, y[in_test]


def poisson_claims(n, *, rng, coef=(0.5, -0.3, 0.2), intercept=-2.0):
    """Synthetic insurance claim counts from a log-linear Poisson model with exposure.

    n: number of policies. rng: Generator. coef: the true coefficients, one per rating factor
    (default (0.5, -0.3, 0.2)); intercept: the true log claim frequency per unit exposure of an
    average policy (default -2.0, about 0.135 claims per policy-year).
    Returns (x, exposure, y, true_coef): x (n, d) float64 standardised rating factors ~ N(0, I);
    exposure (n,) float64 policy-years ~ Uniform(0.1, 1); y (n,) int64 claim counts;
    true_coef (d,) float64, a copy of coef.
    Formula: y_i ~ Poisson(exposure_i * exp(intercept + x_i . coef)), i.e. log E[y_i] =
    log(exposure_i) + intercept + x_i . coef (log exposure is the offset of a Poisson GLM).
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"poisson_claims: n must be an int >= 1, got {n!r}")
    true_coef = np.array(coef, dtype=np.float64).reshape(-1)
    if true_coef.shape[0] == 0:
        raise ValueError("poisson_claims: coef must hold at least one coefficient, got an empty sequence")
    x = rng.standard_normal((n, true_coef.shape[0]))
    exposure = rng.uniform(0.1, 1.0, size=n)
    rate = exposure * np.exp(intercept + x @ true_coef)
    y = rng.poisson(rate).astype(np.int64)
    return x, exposure, y, true_coef


def sequences(n, length, *, task="parity", rng, vocab_size=None, delay=None):
    """A synthetic sequence-labelling task for an RNN: one target token per input token.

    n: number of sequences N. length: sequence length T. task: "parity" or "copy". rng: Generator.
    "parity": tokens uniform in {0, 1}; target t is the parity of the ones seen so far,
    targets[:, t] = (tokens[:, 0] + ... + tokens[:, t]) mod 2; vocab_size is 2 (leave
    vocab_size and delay None).
    "copy": tokens uniform in {1, ..., V - 1} (V = vocab_size, default 8); the output repeats
    the input ``delay`` steps later (default 3), with token 0 ("blank") before that:
    targets[:, t] = tokens[:, t - delay] for t >= delay, else 0. Needs 1 <= delay < T.
    Returns (tokens, targets, vocab_size): tokens (N, T) int64, targets (N, T) int64, both in
    0..vocab_size-1, so vocab_size is the embedding size and the number of output classes.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"sequences: n must be an int >= 1, got {n!r}")
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"sequences: length must be an int >= 1, got {length!r}")
    if task == "parity":
        if vocab_size not in (None, 2) or delay is not None:
            raise ValueError(f"sequences: task 'parity' has vocab_size 2 and no delay, got "
                             f"vocab_size={vocab_size!r}, delay={delay!r}")
        tokens = rng.integers(0, 2, size=(n, length))
        return tokens.astype(np.int64), (np.cumsum(tokens, axis=1) % 2).astype(np.int64), 2
    if task == "copy":
        vocab_size = 8 if vocab_size is None else vocab_size
        delay = 3 if delay is None else delay
        if not isinstance(vocab_size, (int, np.integer)) or vocab_size < 2:
            raise ValueError(f"sequences: vocab_size must be an int >= 2, got {vocab_size!r}")
        if not isinstance(delay, (int, np.integer)) or not 1 <= delay < length:
            raise ValueError(f"sequences: task 'copy' needs 1 <= delay < length={length}, got delay={delay!r}")
        tokens = rng.integers(1, vocab_size, size=(n, length)).astype(np.int64)
        targets = np.zeros((n, length), dtype=np.int64)
        targets[:, delay:] = tokens[:, :length - delay]
        return tokens, targets, int(vocab_size)
    raise ValueError(f"sequences: task must be 'parity' or 'copy', got {task!r}")


@shapes(x=("N", "D"), mean=("D",), std=("D",))
def standardize(x, mean=None, std=None):
    """Column-wise z-scores, with statistics computed from x or given (e.g. the training set's).

    x: (N, D), N >= 1. mean, std: (D,) each, both given or both None.
    Returns (z, mean, std): z (N, D) float64, and the (D,) float64 mean and std used.
    Formula: z = (x - mean) / std, with mean and std the column mean and population standard
    deviation (ddof = 0, as sklearn's StandardScaler) of x when not given. A column that is
    constant in x gets std = 1 instead of 0, so its z is x - mean (all zeros) rather than NaN.
    """
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std, or neither")
    x = np.asarray(x, dtype=np.float64)
    if mean is None:
        if x.shape[0] == 0:
            raise ValueError("standardize: x has no rows; the statistics need at least one")
        # Testing for constancy rather than std == 0: the computed mean and std of a constant
        # column can be off by a rounding error, which would make z tiny noise blown up.
        constant = np.ptp(x, axis=0) == 0
        mean = np.where(constant, x[0], x.mean(axis=0))
        std = np.where(constant, 1.0, x.std(axis=0))
    else:
        mean = np.array(mean, dtype=np.float64)
        std = np.array(std, dtype=np.float64)
        if np.any(std <= 0):
            raise ValueError("standardize: std must be positive in every column")
    return (x - mean) / std, mean, std
