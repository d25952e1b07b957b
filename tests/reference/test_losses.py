"""Losses and penalties: gradient checks, known values, properties, stability, shapes, purity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference import losses
from reference.gradcheck import numerical_gradient, rel_error


def make_inputs(name, rng, n=4, c=3):
    """(input, second argument) for each loss, with kinks kept away from the random inputs."""
    if name == "mse":
        return rng.standard_normal((n, c)), rng.standard_normal((n, c))
    if name == "softmax_cross_entropy":
        return 3 * rng.standard_normal((n, c)), rng.integers(0, c, n)
    if name == "binary_cross_entropy_with_logits":
        return 3 * rng.standard_normal((n, c)), rng.uniform(0, 1, (n, c))
    if name == "poisson_nll":
        return rng.standard_normal((n, c)), rng.poisson(2.0, (n, c)).astype(np.float64)
    if name == "hinge":
        # integer-spaced scores plus small noise keep every margin at least ~0.1 away from 0
        return rng.integers(-3, 4, (n, c)) + 0.5 + 0.2 * rng.uniform(-1, 1, (n, c)), rng.integers(0, c, n)
    if name == "l1_penalty":
        w = rng.standard_normal((n, c))
        return np.where(np.abs(w) < 0.05, 0.5, w), 0.3
    if name == "l2_penalty":
        return rng.standard_normal((n, c)), 0.3
    raise KeyError(name)


LOSSES = ["mse", "softmax_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll", "hinge",
          "l1_penalty", "l2_penalty"]


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n, c", [(1, 2), (4, 3), (5, 6)])
def test_gradient_check(name, seed, n, c):
    fn = getattr(losses, name)
    x, other = make_inputs(name, np.random.default_rng(seed), n, c)
    _, analytic = fn(x, other)
    numeric = numerical_gradient(lambda v: fn(v, other)[0], x)
    assert rel_error(analytic, numeric) <= 1e-7


def test_gradient_check_any_rank():
    rng = np.random.default_rng(3)
    for name in ["mse", "binary_cross_entropy_with_logits", "poisson_nll", "l2_penalty"]:
        fn = getattr(losses, name)
        x, other = make_inputs(name, rng, 6, 2)
        x = x.reshape(2, 3, 2)
        other = other.reshape(2, 3, 2) if np.ndim(other) else other
        numeric = numerical_gradient(lambda v: fn(v, other)[0], x)
        assert rel_error(fn(x, other)[1], numeric) <= 1e-7, name


def test_softmax_known_values():
    probs = losses.softmax(np.array([[0.0, math.log(2), math.log(3)], [5.0, 5.0, 5.0]]))
    np.testing.assert_allclose(probs, [[1 / 6, 1 / 3, 1 / 2], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-14)


def test_mse_known_values():
    loss, dpred = losses.mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    assert loss == pytest.approx(2.5)  # (1 + 4) / 2
    np.testing.assert_allclose(dpred, [[1.0, 2.0]])  # 2 (p - t) / 2


def test_softmax_cross_entropy_uniform_logits():
    loss, dlogits = losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([1, 3]))
    assert loss == pytest.approx(math.log(4), rel=1e-14)
    np.testing.assert_allclose(dlogits, [[0.125, -0.375, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]])


def test_softmax_cross_entropy_two_classes_by_hand():
    # p(class 0) = e^0 / (e^0 + e^{ln 3}) = 1/4
    loss, dlogits = losses.softmax_cross_entropy(np.array([[0.0, math.log(3)]]), np.array([0]))
    assert loss == pytest.approx(math.log(4), rel=1e-14)
    np.testing.assert_allclose(dlogits, [[0.25 - 1, 0.75]], rtol=1e-14)


def test_bce_with_logits_known_values():
    loss, dlogits = losses.binary_cross_entropy_with_logits(np.zeros((2, 2)), np.array([[0.0, 1.0], [1.0, 0.3]]))
    assert loss == pytest.approx(math.log(2), rel=1e-14)
    np.testing.assert_allclose(dlogits, (0.5 - np.array([[0.0, 1.0], [1.0, 0.3]])) / 4, rtol=1e-14)
    # sigma(ln 3) = 3/4, y = 1: -log(3/4)
    assert losses.binary_cross_entropy_with_logits(np.array([math.log(3)]), np.array([1.0]))[0] == \
        pytest.approx(math.log(4 / 3), rel=1e-14)


def test_poisson_nll_known_values():
    loss, d = losses.poisson_nll(np.array([0.0, math.log(2)]), np.array([1.0, 2.0]))
    assert loss == pytest.approx((1.0 + 2 - 2 * math.log(2)) / 2, rel=1e-14)
    np.testing.assert_allclose(d, [0.0, 0.0], atol=1e-15)  # rate equals the count: a minimum


def test_hinge_cs231n_example():
    # the cat image of CS231n's notes: max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9
    loss, dscores = losses.hinge(np.array([[3.2, 5.1, -1.7]]), np.array([0]))
    assert loss == pytest.approx(2.9, rel=1e-14)
    np.testing.assert_array_equal(dscores, [[-1.0, 1.0, 0.0]])


def test_hinge_margin_exactly_zero_has_zero_gradient():
    loss, dscores = losses.hinge(np.array([[2.0, 1.0, 0.0]]), np.array([0]))
    assert loss == 0.0
    np.testing.assert_array_equal(dscores, np.zeros((1, 3)))


def test_penalties_known_values():
    w = np.array([[-2.0, 0.0, 3.0]])
    p1, dw1 = losses.l1_penalty(w, 0.5)
    assert p1 == pytest.approx(2.5)
    np.testing.assert_array_equal(dw1, [[-0.5, 0.0, 0.5]])
    p2, dw2 = losses.l2_penalty(w, 0.5)
    assert p2 == pytest.approx(0.5 * 0.5 * 13)  # the 1/2 convention
    np.testing.assert_array_equal(dw2, [[-1.0, 0.0, 1.5]])


logit_rows = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 5)), elements=st.floats(-50, 50))


@settings(deadline=None, max_examples=40)
@given(logit_rows, st.data())
def test_softmax_cross_entropy_invariant_to_row_shift(logits, data):
    n, c = logits.shape
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    shift = np.array(data.draw(st.lists(st.floats(-500, 500), min_size=n, max_size=n)))[:, None]
    loss, d = losses.softmax_cross_entropy(logits, y)
    loss_shifted, d_shifted = losses.softmax_cross_entropy(logits + shift, y)
    assert loss_shifted == pytest.approx(loss, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(d_shifted, d, atol=1e-9)
    np.testing.assert_allclose(losses.softmax(logits + shift), losses.softmax(logits), atol=1e-9)
    # the gradient of each row sums to zero: adding a constant cannot change the loss
    np.testing.assert_allclose(d.sum(axis=1), 0.0, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(logit_rows)
def test_softmax_rows_are_distributions(logits):
    probs = losses.softmax(logits)
    assert np.all(probs >= 0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-14)


@settings(deadline=None, max_examples=40)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-40, 40)), st.data())
def test_bce_symmetry_and_positivity(x, data):
    y = np.array(data.draw(st.lists(st.floats(0, 1), min_size=x.size, max_size=x.size)))
    loss, d = losses.binary_cross_entropy_with_logits(x, y)
    loss_flipped, d_flipped = losses.binary_cross_entropy_with_logits(-x, 1 - y)
    assert loss_flipped == pytest.approx(loss, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(d_flipped, -d, atol=1e-15)
    # with hard labels the loss is positive; it vanishes only as the logit goes to the right infinity
    hard = (y > 0.5).astype(np.float64)
    assert losses.binary_cross_entropy_with_logits(x, hard)[0] >= 0


@settings(deadline=None, max_examples=40)
@given(logit_rows, st.data())
def test_hinge_zero_iff_margins_satisfied(scores, data):
    n, c = scores.shape
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    loss, _ = losses.hinge(scores, y)
    assert loss >= 0
    separated = scores.copy()
    # 1.5 rather than 1: a margin of exactly 0 would depend on round-off
    separated[np.arange(n), y] = scores.max(axis=1) + 1.5
    loss, dscores = losses.hinge(separated, y)
    assert loss == 0.0
    np.testing.assert_array_equal(dscores, np.zeros((n, c)))


@pytest.mark.parametrize("big", [1e3, -1e3])
def test_stable_at_large_logits(big):
    logits = np.array([[big, 0.0, -big], [0.0, big, 0.0]])
    y = np.array([2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce, dce = losses.softmax_cross_entropy(logits, y)
        probs = losses.softmax(logits)
        bce, dbce = losses.binary_cross_entropy_with_logits(logits, (logits > 0).astype(np.float64))
        hinge, dhinge = losses.hinge(logits, y)
    for value in [ce, bce, hinge, dce, probs, dbce, dhinge]:
        assert np.all(np.isfinite(value))
    # big > 0: row 0 pays 2000 (true class 2000 below the max), row 1 ~ log(1 + 2e^-1000) = 0.
    # big < 0: row 0 ~ 0 (true class is the max), row 1 pays 1000 + log 2 (two maxima at 0).
    assert ce == pytest.approx(1e3 if big > 0 else (1e3 + math.log(2)) / 2, rel=1e-14)
    # the three zero logits each cost log 2; the six +-1e3 logits sit on their label's side
    assert bce == pytest.approx(3 * math.log(2) / 6, rel=1e-14)


def test_bce_extremes():
    x = np.array([1e3, -1e3, 1e3, -1e3])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, d = losses.binary_cross_entropy_with_logits(x, y)
    assert loss == pytest.approx((0 + 0 + 1e3 + 1e3) / 4)
    np.testing.assert_allclose(d, [0.0, 0.0, 0.25, -0.25])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.zeros(2, int)), r"y: expected shape \(N,\) with N=3, got shape \(2,\)"),
        (lambda: losses.softmax_cross_entropy(np.zeros(4), np.zeros(1, int)), r"logits: expected shape \(N, C\), got shape \(4,\)"),
        (lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.zeros((3, 1), int)), r"y: expected shape \(N,\)"),
        (lambda: losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 4])), r"y: expected labels in \[0, 4\)"),
        (lambda: losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([-1, 0])), r"y: expected labels in \[0, 4\)"),
        (lambda: losses.softmax_cross_entropy(np.zeros((2, 4)), np.array([0.0, 1.0])), r"y: expected integer"),
        (lambda: losses.hinge(np.zeros((3, 4)), np.zeros(4, int)), r"y: expected shape \(N,\) with N=3, got shape \(4,\)"),
        (lambda: losses.hinge(np.zeros((2, 4)), np.array([0, 9])), r"y: expected labels in \[0, 4\)"),
        (lambda: losses.softmax(np.zeros((2, 3, 4))), r"x: expected shape \(N, C\), got shape \(2, 3, 4\)"),
        (lambda: losses.mse(np.zeros((3, 2)), np.zeros((3, 1))), r"target: expected shape \(3, 2\) .*got shape \(3, 1\)"),
        (lambda: losses.mse(np.zeros((3,)), np.zeros((3, 1))), r"target: expected shape \(3,\) .*got shape \(3, 1\)"),
        (lambda: losses.binary_cross_entropy_with_logits(np.zeros((3, 1)), np.zeros(3)), r"y: expected shape \(3, 1\) .*got shape \(3,\)"),
        (lambda: losses.poisson_nll(np.zeros(5), np.zeros(4)), r"y: expected shape \(5,\) .*got shape \(4,\)"),
    ],
)
def test_bad_shapes_and_labels(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("name", LOSSES)
def test_pure_and_float64(name, rng):
    x, other = make_inputs(name, rng)
    before = (x.copy(), np.copy(other))
    loss, dx = getattr(losses, name)(x, other)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(other, before[1])
    assert type(loss) is float
    assert dx.dtype == np.float64 and dx.shape == x.shape and not np.shares_memory(dx, x)


def test_softmax_pure_and_float64(rng):
    x = rng.standard_normal((3, 5))
    before = x.copy()
    probs = losses.softmax(x)
    np.testing.assert_array_equal(x, before)
    assert probs.dtype == np.float64 and not np.shares_memory(probs, x)
