"""Activations: gradient checks, known values, properties, stability, purity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import activations as act
from reference.gradcheck import gradient_check

# name -> keyword hyperparameters used in the table-driven tests (non-default on purpose).
ELEMENTWISE = {
    "sigmoid": {},
    "tanh": {},
    "relu": {},
    "leaky_relu": {"alpha": 0.2},
    "elu": {"alpha": 0.7},
    "selu": {},
    "gelu": {},
    "gelu_tanh": {},
    "softplus": {"beta": 1.5},
    "silu": {},
}


def pair(name):
    return getattr(act, f"{name}_forward"), getattr(act, f"{name}_backward")


def away_from_kinks(rng, shape, scale=2.0):
    """Normal samples with |x| >= 0.05, so a central difference never straddles a kink."""
    x = scale * rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.5, x)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)])
def test_gradient_check(name, seed, shape):
    rng = np.random.default_rng(seed)
    forward, backward = pair(name)
    x = away_from_kinks(rng, shape)
    errors = gradient_check(forward, backward, [x], kwargs=ELEMENTWISE[name], rng=rng)
    assert errors[0] <= 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("x_shape, alpha_shape", [((5,), ()), ((3, 4), (4,)), ((2, 3, 2, 2), (3,)), ((2, 3), ())])
def test_prelu_gradient_check(seed, x_shape, alpha_shape):
    rng = np.random.default_rng(seed)
    x = away_from_kinks(rng, x_shape)
    alpha = rng.uniform(0.05, 0.5, alpha_shape)
    errors = gradient_check(act.prelu_forward, act.prelu_backward, [x, alpha], rng=rng)
    assert errors[0] <= 1e-7 and errors[1] <= 1e-7


def test_prelu_per_channel_by_hand():
    x = np.array([[-1.0, -2.0], [3.0, -4.0]])
    alpha = np.array([0.1, 0.5])
    out, cache = act.prelu_forward(x, alpha)
    np.testing.assert_allclose(out, [[-0.1, -1.0], [3.0, -2.0]])
    dx, dalpha = act.prelu_backward(np.ones_like(x), cache)
    np.testing.assert_allclose(dx, [[0.1, 0.5], [1.0, 0.5]])
    # channel 0 sees x = -1 (and 3, positive); channel 1 sees -2 and -4.
    np.testing.assert_allclose(dalpha, [-1.0, -6.0])
    assert dalpha.shape == (2,)


def test_prelu_scalar_alpha_gives_scalar_dalpha():
    _, cache = act.prelu_forward(np.array([-2.0, 1.0, -0.5]), np.array(0.25))
    dx, dalpha = act.prelu_backward(np.array([1.0, 1.0, 2.0]), cache)
    np.testing.assert_allclose(dx, [0.25, 1.0, 0.5])
    assert isinstance(dalpha, np.ndarray) and dalpha.shape == () and dalpha == pytest.approx(-3.0)


@pytest.mark.parametrize("x_shape, alpha_shape", [((2, 3), (4,)), ((5,), (5,)), ((2, 3), (3, 1)), ((2, 1, 4), (3,))])
def test_prelu_rejects_bad_alpha_shape(x_shape, alpha_shape):
    with pytest.raises(ValueError, match=r"alpha: expected shape \(\) or \(C,\).*got shape"):
        act.prelu_forward(np.ones(x_shape), np.ones(alpha_shape))


SIGMOID_LN3 = 0.75  # 1 / (1 + 1/3)
SELU_SCALE, SELU_ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
PHI_1 = 0.8413447460685429  # standard normal CDF at 1 (tables / 0.5 * (1 + erf(1/sqrt 2)))


@pytest.mark.parametrize(
    "name, kwargs, x, expected",
    [
        ("sigmoid", {}, [0.0, math.log(3), -math.log(3)], [0.5, SIGMOID_LN3, 1 - SIGMOID_LN3]),
        ("tanh", {}, [0.0, math.log(2)], [0.0, 0.6]),  # (2 - 1/2) / (2 + 1/2)
        ("relu", {}, [-1.0, 0.0, 2.5], [0.0, 0.0, 2.5]),
        ("leaky_relu", {}, [-2.0, 0.0, 3.0], [-0.02, 0.0, 3.0]),
        ("leaky_relu", {"alpha": 0.3}, [-2.0], [-0.6]),
        ("elu", {}, [-math.log(2), 2.0], [-0.5, 2.0]),
        ("elu", {"alpha": 2.0}, [-math.log(4)], [-1.5]),
        ("selu", {}, [1.0, 0.0, -1e3], [1.0507009873554805, 0.0, -SELU_SCALE * SELU_ALPHA]),
        ("gelu", {}, [1.0, 0.0, -1.0], [PHI_1, 0.0, -(1 - PHI_1)]),
        ("softplus", {}, [0.0, math.log(3), 1e3, -1e3], [math.log(2), math.log(4), 1e3, 0.0]),
        ("softplus", {"beta": 2.0}, [math.log(3) / 2], [math.log(4) / 2]),
        ("silu", {}, [0.0, math.log(3)], [0.0, 0.75 * math.log(3)]),
    ],
)
def test_known_values(name, kwargs, x, expected):
    out, _ = pair(name)[0](np.array(x), **kwargs)
    np.testing.assert_allclose(out, expected, rtol=1e-14, atol=1e-300)


def test_gelu_tanh_known_value_from_its_formula():
    u = math.sqrt(2 / math.pi) * (1 + 0.044715)
    out, _ = act.gelu_tanh_forward(np.array([1.0]))
    assert out[0] == pytest.approx(0.5 * (1 + math.tanh(u)), rel=1e-14)


@pytest.mark.parametrize(
    "name, kwargs, expected",
    [
        ("sigmoid", {}, 0.25),
        ("tanh", {}, 1.0),
        ("relu", {}, 0.0),  # PyTorch's convention at the kink
        ("leaky_relu", {"alpha": 0.2}, 0.2),
        ("elu", {"alpha": 0.7}, 0.7),
        ("selu", {}, SELU_SCALE * SELU_ALPHA),
        ("gelu", {}, 0.5),
        ("gelu_tanh", {}, 0.5),
        ("softplus", {"beta": 3.0}, 0.5),
        ("silu", {}, 0.5),
    ],
)
def test_derivative_at_zero(name, kwargs, expected):
    forward, backward = pair(name)
    _, cache = forward(np.zeros(1), **kwargs)
    assert backward(np.ones(1), cache)[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_stable_at_large_inputs(name):
    forward, backward = pair(name)
    x = np.array([-1e3, -700.0, -40.0, 40.0, 710.0, 1e3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward(x, **ELEMENTWISE[name])
        dx = backward(np.ones_like(x), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))


def test_large_input_limits():
    big = np.array([-1e3, 1e3])
    np.testing.assert_array_equal(act.sigmoid_forward(big)[0], [0.0, 1.0])
    np.testing.assert_array_equal(act.gelu_forward(big)[0], [0.0, 1e3])
    np.testing.assert_array_equal(act.gelu_tanh_forward(big)[0], [0.0, 1e3])
    np.testing.assert_array_equal(act.silu_forward(big)[0], [0.0, 1e3])
    np.testing.assert_array_equal(act.elu_forward(big)[0], [-1.0, 1e3])
    # sigma(-40) = e^-40 / (1 + e^-40): no cancellation on the negative side
    assert act.sigmoid_forward(np.array([-40.0]))[0][0] == pytest.approx(math.exp(-40), rel=1e-14)


small_arrays = arrays(np.float64, st.integers(1, 6), elements=st.floats(-30, 30))


@settings(deadline=None, max_examples=40)
@given(small_arrays)
def test_identities(x):
    sig = act.sigmoid_forward(x)[0]
    np.testing.assert_allclose(act.sigmoid_forward(-x)[0], 1 - sig, atol=1e-15)
    np.testing.assert_allclose(act.tanh_forward(x)[0], 2 * act.sigmoid_forward(2 * x)[0] - 1, atol=1e-15)
    np.testing.assert_allclose(act.silu_forward(x)[0], x * sig, rtol=1e-15, atol=1e-300)
    softplus = act.softplus_forward(x)[0]
    np.testing.assert_allclose(softplus - act.softplus_forward(-x)[0], x, atol=1e-13)
    np.testing.assert_array_equal(act.relu_forward(x)[0], np.maximum(x, 0))
    np.testing.assert_allclose(act.leaky_relu_forward(x, alpha=0.1)[0], np.maximum(x, 0.1 * x))
    np.testing.assert_allclose(act.prelu_forward(x, np.array(0.1))[0], np.maximum(x, 0.1 * x))
    np.testing.assert_allclose(act.selu_forward(x)[0], SELU_SCALE * act.elu_forward(x, alpha=SELU_ALPHA)[0])
    # the tanh approximation stays within 1e-3 of the exact gelu
    assert np.max(np.abs(act.gelu_tanh_forward(x)[0] - act.gelu_forward(x)[0])) < 1e-3


@settings(deadline=None, max_examples=40)
@given(small_arrays)
def test_monotone_activations_have_nonnegative_slope(x):
    for name in ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus"]:
        forward, backward = pair(name)
        assert np.all(backward(np.ones_like(x), forward(x)[1]) >= 0), name


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_pure_and_float64(name, rng):
    forward, backward = pair(name)
    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((3, 4))
    x_before, dout_before = x.copy(), dout.copy()
    out, cache = forward(x, **ELEMENTWISE[name])
    dx = backward(dout, cache)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)
    assert out.dtype == np.float64 and dx.dtype == np.float64
    assert out.shape == x.shape and dx.shape == x.shape
    assert not np.shares_memory(out, x) and not np.shares_memory(dx, dout)


def test_prelu_pure_and_float64(rng):
    x, alpha, dout = rng.standard_normal((2, 3, 4)), rng.uniform(0, 1, 3), rng.standard_normal((2, 3, 4))
    before = [x.copy(), alpha.copy(), dout.copy()]
    out, cache = act.prelu_forward(x, alpha)
    dx, dalpha = act.prelu_backward(dout, cache)
    for arr, old in zip([x, alpha, dout], before):
        np.testing.assert_array_equal(arr, old)
    assert out.dtype == dx.dtype == dalpha.dtype == np.float64
    assert not np.shares_memory(out, x) and not np.shares_memory(dalpha, alpha)


def test_hyperparameters_travel_in_the_cache():
    x = np.array([-1.0, 2.0])
    _, cache = act.leaky_relu_forward(x, alpha=0.3)
    np.testing.assert_allclose(act.leaky_relu_backward(np.ones(2), cache), [0.3, 1.0])
    _, cache = act.elu_forward(x, alpha=2.0)
    np.testing.assert_allclose(act.elu_backward(np.ones(2), cache), [2.0 * math.exp(-1.0), 1.0])
    _, cache = act.softplus_forward(x, beta=2.0)
    np.testing.assert_allclose(act.softplus_backward(np.ones(2), cache),
                               [1 / (1 + math.exp(2.0)), 1 / (1 + math.exp(-4.0))])
