import math

import numpy as np
import pytest

from reference.init import he_normal, he_uniform, lecun_normal, xavier_normal, xavier_uniform

# target variance of each scheme with its default gain (Glorot & Bengio 2010, He et al. 2015,
# LeCun et al. 1998), and whether it draws from a uniform or a normal
SCHEMES = {
    xavier_uniform: ("uniform", lambda fan_in, fan_out: 2.0 / (fan_in + fan_out)),
    xavier_normal: ("normal", lambda fan_in, fan_out: 2.0 / (fan_in + fan_out)),
    he_uniform: ("uniform", lambda fan_in, fan_out: 2.0 / fan_in),
    he_normal: ("normal", lambda fan_in, fan_out: 2.0 / fan_in),
    lecun_normal: ("normal", lambda fan_in, fan_out: 1.0 / fan_in),
}
ALL = list(SCHEMES)


def _check_distribution(w, kind, var):
    """Empirical checks, each at >= 5 standard errors so a correct scheme fails with p < 1e-6.

    Fan sizes below are chosen so that the five schemes' stds differ by >= 15 %, far beyond
    these tolerances.
    """
    n = w.size
    sample = w.ravel()
    std = math.sqrt(var)
    # sd of the sample mean: std / sqrt(n)
    assert abs(sample.mean()) < 6 * std / math.sqrt(n)
    if kind == "normal":
        # sd of the sample std of a normal: std / sqrt(2n)
        assert abs(sample.std() / std - 1) < 6 / math.sqrt(2 * n)
        # P(|w| < std) = 0.6827 for a normal (0.577 for a uniform of the same std); binomial sd
        inside = np.mean(np.abs(sample) < std)
        assert abs(inside - 0.682689) < 6 * math.sqrt(0.6827 * 0.3173 / n)
    else:
        bound = math.sqrt(3 * var)  # U[-a, a] has variance a^2 / 3
        assert np.max(np.abs(sample)) <= bound
        # P(max |w| < a (1 - delta)) = (1 - delta)^n, below 1e-11 for delta = 25 / n
        assert np.max(np.abs(sample)) > bound * (1 - 25 / n)
        # sd of the sample std of a uniform: std * sqrt((kurtosis - 1) / 4n), kurtosis 9/5
        assert abs(sample.std() / std - 1) < 6 * math.sqrt(0.8 / (4 * n))


@pytest.mark.parametrize("scheme", ALL, ids=lambda f: f.__name__)
def test_linear_layout_statistics(scheme):
    fan_in, fan_out = 400, 150
    kind, variance = SCHEMES[scheme]
    w = scheme(fan_in, fan_out, rng=np.random.default_rng(11))
    assert w.shape == (fan_in, fan_out) and w.dtype == np.float64
    _check_distribution(w, kind, variance(fan_in, fan_out))


@pytest.mark.parametrize("scheme", ALL, ids=lambda f: f.__name__)
def test_conv_shape_uses_pytorch_fans(scheme):
    f, c, hh, ww = 64, 16, 3, 3
    kind, variance = SCHEMES[scheme]
    w = scheme(shape=(f, c, hh, ww), rng=np.random.default_rng(12))
    assert w.shape == (f, c, hh, ww)
    # fan_in = C * HH * WW = 144, fan_out = F * HH * WW = 576
    _check_distribution(w, kind, variance(144, 576))


@pytest.mark.parametrize("scheme", ALL, ids=lambda f: f.__name__)
def test_gain_scales_linearly(scheme):
    base = scheme(30, 20, rng=np.random.default_rng(3), gain=1.0)
    scaled = scheme(30, 20, rng=np.random.default_rng(3), gain=2.5)
    # uniform draws are low + (high - low) * u: cancellation near 0 costs relative, not absolute, accuracy
    np.testing.assert_allclose(scaled, 2.5 * base, rtol=1e-13, atol=1e-15)


def test_default_gains():
    # He's default gain is sqrt(2) (ReLU); Xavier's and LeCun's are 1
    for scheme, gain in ((he_uniform, math.sqrt(2)), (he_normal, math.sqrt(2)),
                         (xavier_uniform, 1.0), (xavier_normal, 1.0), (lecun_normal, 1.0)):
        np.testing.assert_array_equal(scheme(5, 4, rng=np.random.default_rng(0)),
                                      scheme(5, 4, rng=np.random.default_rng(0), gain=gain))


@pytest.mark.parametrize("scheme", ALL, ids=lambda f: f.__name__)
def test_deterministic_given_rng(scheme):
    a = scheme(7, 5, rng=np.random.default_rng(42))
    b = scheme(7, 5, rng=np.random.default_rng(42))
    c = scheme(7, 5, rng=np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    rng = np.random.default_rng(42)
    first, second = scheme(7, 5, rng=rng), scheme(7, 5, rng=rng)
    assert not np.allclose(first, second)


def test_draws_are_the_documented_single_calls():
    fan_in, fan_out = 6, 4
    # up to the last bit: the code computes the same scale by a different float route
    np.testing.assert_allclose(
        xavier_uniform(fan_in, fan_out, rng=np.random.default_rng(1)),
        np.random.default_rng(1).uniform(-math.sqrt(6 / 10), math.sqrt(6 / 10), size=(6, 4)), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(
        he_normal(shape=(2, 3, 2, 2), rng=np.random.default_rng(1)),
        np.random.default_rng(1).normal(0.0, math.sqrt(2 / 12), size=(2, 3, 2, 2)), rtol=1e-14)


@pytest.mark.parametrize("scheme", ALL, ids=lambda f: f.__name__)
def test_rejects_bad_arguments(scheme):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in, fan_out: both are required"):
        scheme(rng=rng)
    with pytest.raises(ValueError, match="fan_in, fan_out: both are required"):
        scheme(3, rng=rng)
    with pytest.raises(ValueError, match="shape: give either"):
        scheme(3, 4, shape=(2, 3, 3, 3), rng=rng)
    with pytest.raises(ValueError, match=r"shape: expected a conv shape \(F, C, k1, \.\.\.\), got shape \(3, 4\)"):
        scheme(shape=(3, 4), rng=rng)
    with pytest.raises(ValueError, match="fan_in, fan_out: expected positive sizes, got 0, 4"):
        scheme(0, 4, rng=rng)
    with pytest.raises(ValueError, match="expected positive sizes, got 0, 0"):
        scheme(shape=(2, 3, 0, 3), rng=rng)
