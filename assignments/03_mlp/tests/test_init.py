"""Hidden tests of xavier_uniform and he_normal.

The student's function and the reference get generators in the same state, so a correct scheme
draws exactly the same numbers (one ``rng.uniform(-a, a, size)`` or ``rng.normal(0, s, size)``
call). A wrong scale with the right draw is a constant factor of the expected weights, which the
known-mistake variants name.
"""

import math

import numpy as np
import pytest

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "xavier_uniform": {"purity": "takes no array argument (a shape tuple and a Generator, which travels by value)"},
    "he_normal": {"purity": "takes no array argument (a shape tuple and a Generator, which travels by value)"},
}

# (fan_in, fan_out, gain or None for the default): a single weight, fan_in > fan_out and the
# reverse (only both fans give Xavier's bound), a square layer, a non-default gain
FANS = [(1, 1, None), (12, 5, None), (3, 40, None), (7, 7, None), (6, 9, 2.0), (64, 10, 0.5)]
FAN_IDS = ["1x1", "12x5", "3x40", "7x7", "6x9-gain2", "64x10-gain0.5"]
# conv weights (F, C, k1, ...): fan_in = C k1 ..., fan_out = F k1 ...
CONV = [(8, 3, 3, 3), (4, 2, 5), (2, 6, 1, 1)]


def draw(fn, seed, *args, **kwargs):
    return fn(*args, rng=np.random.default_rng(seed), **kwargs)


def weights(result, name):
    assert result is not None, f"{name} returned None (is a `return` statement missing?)"
    return result


def uniform_with_bound(bound, shape, seed):
    return np.random.default_rng(seed).uniform(-bound, bound, size=shape)


def normal_with_std(std, shape, seed):
    return np.random.default_rng(seed).normal(0.0, std, size=shape)


def xavier_variants(fan_in, fan_out, g, shape, seed):
    """Known wrong bounds, drawn like the right one (so they are the right draws rescaled)."""
    variants = {
        "the bound uses fan_in only, sqrt(6 / fan_in) (Xavier averages both fans: sqrt(6 / (fan_in + fan_out)))":
            uniform_with_bound(g * math.sqrt(6 / fan_in), shape, seed),
        "the bound uses fan_out only, sqrt(6 / fan_out) (Xavier averages both fans)":
            uniform_with_bound(g * math.sqrt(6 / fan_out), shape, seed),
        "the bound is the standard deviation sqrt(2 / (fan_in + fan_out)); U[-a, a] has std a / sqrt(3), "
        "so a = sqrt(6 / (fan_in + fan_out))": uniform_with_bound(g * math.sqrt(2 / (fan_in + fan_out)), shape, seed),
        "the bound is gain * 6 / (fan_in + fan_out): the square root is missing":
            uniform_with_bound(g * 6 / (fan_in + fan_out), shape, seed),
    }
    if g != 1.0:
        variants["the gain is ignored"] = uniform_with_bound(math.sqrt(6 / (fan_in + fan_out)), shape, seed)
    if len(shape) > 2:
        variants["the fans ignore the kernel size (fan_in must be C * k1 * ..., fan_out F * k1 * ...)"] = (
            uniform_with_bound(g * math.sqrt(6 / (shape[0] + shape[1])), shape, seed))
    return variants


def differing(variants, expected):
    return {d: v for d, v in variants.items() if not np.allclose(v, expected)}


def conv_fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


@pytest.mark.task03_xavier_uniform
@pytest.mark.parametrize("fan_in,fan_out,gain", FANS, ids=FAN_IDS)
@pytest.mark.contract("domain_edge")
def test_xavier_uniform_values(student, ref, rng, expect, fan_in, fan_out, gain):
    """w ~ U[-a, a], a = gain sqrt(6 / (fan_in + fan_out)), drawn from the given generator"""
    seed = int(rng.integers(2**32))
    kwargs = {} if gain is None else {"gain": gain}
    w = weights(draw(student.xavier_uniform, seed, fan_in, fan_out, **kwargs), "xavier_uniform")
    expected = draw(ref.xavier_uniform, seed, fan_in, fan_out, **kwargs)
    variants = xavier_variants(fan_in, fan_out, 1.0 if gain is None else gain, (fan_in, fan_out), seed)
    expect(w, expected, name="w", variants=differing(variants, expected))


@pytest.mark.task03_xavier_uniform
@pytest.mark.parametrize("shape", CONV, ids=lambda s: "x".join(map(str, s)))
def test_xavier_uniform_conv_shape(student, ref, rng, expect, shape):
    """shape=(F, C, k...): fan_in = C k..., fan_out = F k..."""
    seed = int(rng.integers(2**32))
    w = weights(draw(student.xavier_uniform, seed, shape=shape), "xavier_uniform")
    expected = draw(ref.xavier_uniform, seed, shape=shape)
    variants = xavier_variants(*conv_fans(shape), 1.0, shape, seed)
    expect(w, expected, name=f"w for shape={shape}", variants=differing(variants, expected))


@pytest.mark.task03_xavier_uniform
@pytest.mark.weight(0.5)
def test_xavier_uniform_scale_on_a_large_layer(student, rng):
    """The weights of a 300 x 200 layer fill [-a, a] and have variance 2 / (fan_in + fan_out)"""
    w = np.asarray(weights(draw(student.xavier_uniform, int(rng.integers(2**32)), 300, 200), "xavier_uniform"))
    assert w.shape == (300, 200), f"w should have shape (fan_in, fan_out) = (300, 200), got {w.shape}"
    assert w.dtype == np.float64, f"w should be float64, got {w.dtype}"
    bound = math.sqrt(6 / 500)
    top = float(np.max(np.abs(w)))
    assert top <= bound * (1 + 1e-12), (
        f"max |w| is {top:.4g}, above the Xavier bound a = sqrt(6 / (fan_in + fan_out)) = {bound:.4g}")
    assert top >= 0.99 * bound, (
        f"max |w| is {top:.4g}, well below the Xavier bound a = {bound:.4g}: is the scale too small, or not uniform?")
    ratio = float(w.var()) / (2 / 500)
    assert abs(ratio - 1) < 0.05, (
        f"the variance of w is {ratio:.3g} times 2 / (fan_in + fan_out): expected U[-a, a], whose variance is a^2 / 3")


def he_variants(fan_in, fan_out, g, shape, seed, *, gain_given):
    """Known wrong standard deviations, drawn like the right one."""
    variants = {
        "s = sqrt(1 / fan_in): the gain (sqrt(2) by default, for ReLU) is missing":
            normal_with_std(1 / math.sqrt(fan_in), shape, seed),
        "s = gain^2 / fan_in: the variance was passed where rng.normal expects the standard deviation":
            normal_with_std(g * g / fan_in, shape, seed),
        "s uses fan_out instead of fan_in (He's fan_in mode keeps the forward variance)":
            normal_with_std(g / math.sqrt(fan_out), shape, seed),
        "s = gain sqrt(2 / (fan_in + fan_out)): that is Xavier's normal, not He's":
            normal_with_std(g * math.sqrt(2 / (fan_in + fan_out)), shape, seed),
        "s = 2 / sqrt(fan_in): the gain is sqrt(2), not 2": normal_with_std(2 / math.sqrt(fan_in), shape, seed),
    }
    if gain_given:
        variants["the gain is ignored (always sqrt(2))"] = normal_with_std(math.sqrt(2 / fan_in), shape, seed)
    if len(shape) > 2:
        variants["fan_in ignores the kernel size (it must be C * k1 * ...)"] = (
            normal_with_std(g / math.sqrt(shape[1]), shape, seed))
    return variants


@pytest.mark.task03_he_normal
@pytest.mark.parametrize("fan_in,fan_out,gain", FANS, ids=FAN_IDS)
@pytest.mark.contract("domain_edge")
def test_he_normal_values(student, ref, rng, expect, fan_in, fan_out, gain):
    """w ~ N(0, s^2), s = gain / sqrt(fan_in) (gain sqrt(2) by default), drawn from the given generator"""
    seed = int(rng.integers(2**32))
    kwargs = {} if gain is None else {"gain": gain}
    w = weights(draw(student.he_normal, seed, fan_in, fan_out, **kwargs), "he_normal")
    expected = draw(ref.he_normal, seed, fan_in, fan_out, **kwargs)
    g = math.sqrt(2.0) if gain is None else gain
    variants = he_variants(fan_in, fan_out, g, (fan_in, fan_out), seed, gain_given=gain is not None)
    expect(w, expected, name="w", variants=differing(variants, expected))


@pytest.mark.task03_he_normal
@pytest.mark.parametrize("shape", CONV, ids=lambda s: "x".join(map(str, s)))
def test_he_normal_conv_shape(student, ref, rng, expect, shape):
    """shape=(F, C, k...): fan_in = C k..."""
    seed = int(rng.integers(2**32))
    w = weights(draw(student.he_normal, seed, shape=shape), "he_normal")
    expected = draw(ref.he_normal, seed, shape=shape)
    variants = he_variants(*conv_fans(shape), math.sqrt(2.0), shape, seed, gain_given=False)
    expect(w, expected, name=f"w for shape={shape}", variants=differing(variants, expected))


@pytest.mark.task03_he_normal
@pytest.mark.weight(0.5)
def test_he_normal_scale_on_a_large_layer(student, rng):
    """The weights of a 400 x 150 layer have mean 0 and standard deviation sqrt(2 / fan_in)"""
    w = np.asarray(weights(draw(student.he_normal, int(rng.integers(2**32)), 400, 150), "he_normal"))
    assert w.shape == (400, 150), f"w should have shape (fan_in, fan_out) = (400, 150), got {w.shape}"
    assert w.dtype == np.float64, f"w should be float64, got {w.dtype}"
    ratio = float(w.std()) / math.sqrt(2 / 400)
    assert abs(ratio - 1) < 0.02, f"the standard deviation of w is {ratio:.3g} times sqrt(2 / fan_in)"
    assert abs(float(w.mean())) < 6 * math.sqrt(2 / 400) / math.sqrt(w.size), "the weights should have mean 0"
