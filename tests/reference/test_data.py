"""Tests for reference.data: shapes, determinism, value ranges, class balance, oracles from
scikit-learn (make_moons, load_digits, StandardScaler, PoissonRegressor) and loose statistics."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_moons
from sklearn.linear_model import PoissonRegressor
from sklearn.preprocessing import StandardScaler

from reference.data import digits, digits_split, moons, poisson_claims, sequences, spirals, standardize, xor

rngs = lambda seed: (np.random.default_rng(seed), np.random.default_rng(seed))  # noqa: E731

TWO_D = [
    ("xor", lambda rng, noise: xor(203, noise=noise, rng=rng), 203, 2),
    ("spirals", lambda rng, noise: spirals(50, 4, noise=noise, rng=rng), 200, 4),
    ("moons", lambda rng, noise: moons(101, noise=noise, rng=rng), 101, 2),
]


@pytest.mark.parametrize("name, make, n, n_classes", TWO_D)
def test_2d_datasets_shapes_dtypes_balance(name, make, n, n_classes):
    x, y = make(np.random.default_rng(0), 0.1)
    assert x.shape == (n, 2) and x.dtype == np.float64 and np.all(np.isfinite(x))
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=n_classes)
    assert counts.size == n_classes and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name, make, n, n_classes", TWO_D)
def test_2d_datasets_are_determined_by_the_rng(name, make, n, n_classes):
    a, b = rngs(7)
    xa, ya = make(a, 0.2)
    xb, yb = make(b, 0.2)
    xc, _ = make(np.random.default_rng(8), 0.2)
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(ya, yb)
    assert not np.allclose(xa, xc)


@pytest.mark.parametrize("make", [lambda: xor(10, noise=-1, rng=np.random.default_rng(0)),
                                  lambda: spirals(1, noise=0.1, rng=np.random.default_rng(0)),
                                  lambda: moons(1, noise=0.1, rng=np.random.default_rng(0))])
def test_2d_datasets_reject_bad_arguments(make):
    with pytest.raises(ValueError):
        make()


def test_xor_without_noise_sits_on_the_corners_with_xor_labels():
    x, y = xor(100, noise=0.0, rng=np.random.default_rng(1))
    assert set(map(tuple, x)) == {(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(int))
    assert np.all(np.unique(x, axis=0, return_counts=True)[1] == 25)


def test_xor_noise_is_the_coordinate_standard_deviation():
    x, _ = xor(20000, noise=0.3, rng=np.random.default_rng(2))
    assert np.std(x - np.sign(x)) == pytest.approx(0.3, rel=0.03)      # corners far apart vs noise


def test_spirals_without_noise_hand_points():
    x, y = spirals(5, 3, noise=0.0, rng=np.random.default_rng(0))
    # Class j, point i: radius i/4, angle 4j + i; the first point of each arm is the origin.
    np.testing.assert_allclose(x[[0, 5, 10]], 0.0, atol=0)
    np.testing.assert_allclose(x[4], [np.sin(4.0), np.cos(4.0)], rtol=1e-15)
    np.testing.assert_allclose(x[7], [0.5 * np.sin(6.0), 0.5 * np.cos(6.0)], rtol=1e-15)
    np.testing.assert_array_equal(y, np.repeat([0, 1, 2], 5))
    np.testing.assert_allclose(np.hypot(x[:, 0], x[:, 1]), np.tile(np.linspace(0, 1, 5), 3), atol=1e-15)


def test_moons_without_noise_equals_sklearn():
    for n in (2, 3, 10, 101):
        x, y = moons(n, noise=0.0, rng=np.random.default_rng(0))
        x_ref, y_ref = make_moons(n, shuffle=False)
        np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(y, y_ref)


def test_moons_noise_has_the_requested_standard_deviation():
    x0, _ = moons(20000, noise=0.0, rng=np.random.default_rng(0))
    x, _ = moons(20000, noise=0.25, rng=np.random.default_rng(3))
    assert np.std(x - x0) == pytest.approx(0.25, rel=0.03)


def test_digits_is_sklearns_bundled_set_and_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("reference.data tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    x, y = digits()
    assert x.shape == (1797, 64) and x.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 16.0 and np.all(x == np.round(x))
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    ref = load_digits()
    np.testing.assert_array_equal(x, ref.data)
    np.testing.assert_array_equal(y, ref.target)
    x[:] = -1.0                                       # the caller owns a fresh copy
    assert digits()[0].min() == 0.0


def raw_rows_of(z_all, x_raw):
    """Undo a per-column increasing affine map (same for every row) by matching sorted columns."""
    rows = np.empty_like(z_all)
    for j in range(z_all.shape[1]):
        zs, vs = np.sort(z_all[:, j]), np.sort(x_raw[:, j])
        if np.ptp(vs) == 0:
            rows[:, j] = vs[0]
            continue
        slope, offset = np.polyfit(zs, vs, 1)
        np.testing.assert_allclose(slope * zs + offset, vs, atol=1e-9)   # same multiset per column
        rows[:, j] = slope * z_all[:, j] + offset
    return np.round(rows)


def test_digits_split_partitions_stratifies_and_standardises():
    x_raw, y_raw = digits()
    x_tr, y_tr, x_te, y_te = digits_split(rng_seed=0, test_fraction=0.2)
    assert x_tr.shape[1] == x_te.shape[1] == 64 and x_tr.shape[0] + x_te.shape[0] == 1797
    assert y_tr.shape == (x_tr.shape[0],) and y_te.shape == (x_te.shape[0],)
    assert x_tr.dtype == x_te.dtype == np.float64
    counts = np.bincount(y_raw)
    np.testing.assert_array_equal(np.bincount(y_tr) + np.bincount(y_te), counts)
    assert np.all(np.abs(np.bincount(y_te) - 0.2 * counts) <= 0.5)
    varying = np.ptp(x_tr, axis=0) > 0
    np.testing.assert_allclose(x_tr.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(x_tr[:, varying].std(axis=0), 1.0, rtol=1e-12)
    # Train and test are mapped by the same per-pixel affine map, so undoing it on both together
    # must give back exactly the rows of digits(): the split neither drops nor repeats a sample.
    rows = raw_rows_of(np.concatenate([x_tr, x_te]), x_raw)
    labelled = np.column_stack([rows, np.concatenate([y_tr, y_te])])
    expected = np.column_stack([x_raw, y_raw])
    np.testing.assert_array_equal(labelled[np.lexsort(labelled.T)], expected[np.lexsort(expected.T)])


def test_digits_split_is_determined_by_the_seed():
    a, b, c = digits_split(rng_seed=3), digits_split(rng_seed=3), digits_split(rng_seed=4)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])
    with pytest.raises(ValueError, match="test_fraction"):
        digits_split(test_fraction=1.0)


def test_poisson_claims_shapes_and_values():
    x, exposure, y, coef = poisson_claims(500, rng=np.random.default_rng(0), coef=(0.1, 0.2), intercept=-1.0)
    assert x.shape == (500, 2) and exposure.shape == (500,) and y.shape == (500,) and coef.shape == (2,)
    assert x.dtype == exposure.dtype == coef.dtype == np.float64 and y.dtype == np.int64
    assert np.all(y >= 0) and np.all((exposure >= 0.1) & (exposure <= 1.0))
    np.testing.assert_array_equal(coef, [0.1, 0.2])
    default_coef = poisson_claims(3, rng=np.random.default_rng(0))[3]
    np.testing.assert_array_equal(default_coef, [0.5, -0.3, 0.2])
    a, b = rngs(9)
    for u, v in zip(poisson_claims(50, rng=a), poisson_claims(50, rng=b)):
        np.testing.assert_array_equal(u, v)


def test_poisson_claims_mean_matches_the_log_linear_model():
    intercept, coef = -1.5, np.array([0.4, -0.25, 0.1])
    x, exposure, y, _ = poisson_claims(100_000, rng=np.random.default_rng(1), coef=coef, intercept=intercept)
    mu = exposure * np.exp(intercept + x @ coef)
    # Overall and within bins of the linear predictor, the count mean is the Poisson mean up to
    # sampling error (a Poisson variance equals its mean, so se = sqrt(sum mu) / n).
    bins = np.digitize(x @ coef, [-0.3, 0.0, 0.3])
    for members in [np.ones_like(y, dtype=bool)] + [bins == b for b in range(4)]:
        n = members.sum()
        se = np.sqrt(mu[members].sum()) / n
        assert abs(y[members].mean() - mu[members].mean()) < 4 * se


def test_poisson_claims_coefficients_are_recovered_by_a_poisson_glm():
    x, exposure, y, true_coef = poisson_claims(40_000, rng=np.random.default_rng(2))
    # Frequency y / exposure weighted by exposure is the exposure-offset Poisson GLM.
    glm = PoissonRegressor(alpha=0.0, max_iter=300).fit(x, y / exposure, sample_weight=exposure)
    np.testing.assert_allclose(glm.coef_, true_coef, atol=0.05)
    assert glm.intercept_ == pytest.approx(-2.0, abs=0.05)


def test_sequences_parity_targets():
    tokens, targets, vocab = sequences(64, 12, task="parity", rng=np.random.default_rng(0))
    assert vocab == 2 and tokens.shape == targets.shape == (64, 12)
    assert tokens.dtype == targets.dtype == np.int64
    assert set(np.unique(tokens)) == {0, 1}
    for row, out in zip(tokens, targets):
        parity = 0
        for t in range(12):
            parity ^= int(row[t])
            assert out[t] == parity
    np.testing.assert_array_equal(sequences(1, 5, rng=np.random.default_rng(0))[1].shape, (1, 5))


def test_sequences_copy_targets():
    tokens, targets, vocab = sequences(32, 10, task="copy", rng=np.random.default_rng(1), vocab_size=6, delay=4)
    assert vocab == 6 and tokens.shape == targets.shape == (32, 10)
    assert tokens.min() >= 1 and tokens.max() <= 5 and set(np.unique(tokens)) == {1, 2, 3, 4, 5}
    np.testing.assert_array_equal(targets[:, :4], 0)
    for t in range(4, 10):
        np.testing.assert_array_equal(targets[:, t], tokens[:, t - 4])
    _, _, default_vocab = sequences(2, 5, task="copy", rng=np.random.default_rng(0))
    assert default_vocab == 8


def test_sequences_are_determined_by_the_rng_and_reject_bad_arguments():
    for task in ("parity", "copy"):
        a, b = rngs(4)
        for u, v in zip(sequences(8, 6, task=task, rng=a)[:2], sequences(8, 6, task=task, rng=b)[:2]):
            np.testing.assert_array_equal(u, v)
    rng = np.random.default_rng(0)
    for kwargs in (dict(task="sort"), dict(task="parity", vocab_size=5), dict(task="parity", delay=1),
                   dict(task="copy", delay=6), dict(task="copy", delay=0), dict(task="copy", vocab_size=1)):
        with pytest.raises(ValueError, match="sequences"):
            sequences(4, 6, rng=rng, **kwargs)


def test_standardize_hand_values_and_constant_columns():
    x = np.array([[1.0, 2.0, 5.0], [3.0, 2.0, 5.0], [5.0, 2.0, 8.0]])
    z, mean, std = standardize(x)
    np.testing.assert_allclose(mean, [3.0, 2.0, 6.0])
    np.testing.assert_allclose(std, [np.sqrt(8 / 3), 1.0, np.sqrt(2.0)])        # ddof = 0
    np.testing.assert_allclose(z[:, 0], np.array([-2.0, 0.0, 2.0]) / np.sqrt(8 / 3))
    np.testing.assert_array_equal(z[:, 1], 0.0)
    # A constant column whose float mean is inexact must still give exact zeros.
    z, _, std = standardize(np.full((7, 1), 0.1))
    np.testing.assert_array_equal(z, 0.0)
    np.testing.assert_array_equal(std, 1.0)


def test_standardize_matches_sklearn_and_reuses_given_statistics():
    rng = np.random.default_rng(5)
    x = rng.normal(3.0, 2.0, size=(40, 4)) * [1.0, 10.0, 0.1, 1.0]
    x[:, 3] = -4.0
    x0 = x.copy()
    z, mean, std = standardize(x)
    np.testing.assert_allclose(z, StandardScaler().fit_transform(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z[:, :3].std(axis=0), 1.0, rtol=1e-12)
    x_new = rng.normal(size=(5, 4))
    z_new, mean2, std2 = standardize(x_new, mean, std)
    np.testing.assert_allclose(z_new, (x_new - mean) / std)
    np.testing.assert_array_equal(mean2, mean)
    mean2[0] = 99.0                                        # the returned statistics are fresh
    assert mean[0] != 99.0
    np.testing.assert_array_equal(x, x0)
    assert standardize(np.arange(6).reshape(3, 2))[0].dtype == np.float64


def test_standardize_rejects_bad_arguments():
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"mean: expected shape \(D,\) with D=2, got shape \(3,\)"):
        standardize(x, np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match=r"x: expected shape \(N, D\), got shape \(3,\)"):
        standardize(np.ones(3))
    with pytest.raises(ValueError, match="both"):
        standardize(x, mean=np.zeros(2))
    with pytest.raises(ValueError, match="positive"):
        standardize(x, np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="no rows"):
        standardize(np.ones((0, 2)))
