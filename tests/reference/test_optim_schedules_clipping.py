"""Learning-rate schedules and gradient clipping of reference.optim."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference.optim import adaptive_grad_clip, clip_grad_norm, cosine_lr, exponential_lr, step_lr

# Zero or |x| in [1e-3, 1e3]: no underflow in the tests' own sums of squares.
moderate = st.just(0.0) | st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)

# --- schedules ---------------------------------------------------------------------------


def test_step_lr_known_values():
    lrs = [step_lr(0.1, epoch, step_size=3) for epoch in range(8)]
    np.testing.assert_allclose(lrs, [0.1] * 3 + [0.01] * 3 + [0.001] * 2, rtol=1e-14)
    assert step_lr(2.0, 5, step_size=2, gamma=0.5) == 0.5


def test_exponential_lr_known_values():
    assert exponential_lr(0.1, 0, gamma=0.5) == 0.1
    assert exponential_lr(0.1, 3, gamma=0.5) == pytest.approx(0.0125, rel=1e-15)


def test_cosine_lr_known_values():
    assert cosine_lr(0.1, 0, t_max=10) == 0.1
    assert cosine_lr(0.1, 5, t_max=10, eta_min=0.02) == pytest.approx(0.06, rel=1e-14)
    assert cosine_lr(0.1, 10, t_max=10, eta_min=0.02) == pytest.approx(0.02, rel=1e-14)
    # cos(pi/3) = 1/2: three quarters of the way from eta_min to lr0.
    assert cosine_lr(1.0, 2, t_max=6) == pytest.approx(0.75, rel=1e-14)
    # Past t_max the rate climbs back: period 2 t_max.
    assert cosine_lr(0.1, 20, t_max=10, eta_min=0.02) == pytest.approx(0.1, rel=1e-14)


@settings(deadline=None, max_examples=30)
@given(lr0=st.floats(1e-4, 1.0), t_max=st.integers(1, 50), frac=st.floats(0.0, 0.9))
def test_cosine_lr_decreases_within_bounds(lr0, t_max, frac):
    eta_min = frac * lr0
    lrs = np.array([cosine_lr(lr0, e, t_max=t_max, eta_min=eta_min) for e in range(t_max + 1)])
    assert np.all(np.diff(lrs) <= 1e-15)
    assert np.all((lrs >= eta_min - 1e-15) & (lrs <= lr0 + 1e-15))


@settings(deadline=None, max_examples=30)
@given(epoch=st.integers(0, 40), step_size=st.integers(1, 10), gamma=st.floats(0.05, 1.0))
def test_step_lr_is_exponential_lr_sampled_every_step_size(epoch, step_size, gamma):
    expected = exponential_lr(0.3, epoch // step_size, gamma=gamma)
    assert step_lr(0.3, epoch, step_size=step_size, gamma=gamma) == pytest.approx(expected, rel=1e-14)


# --- clip_grad_norm ----------------------------------------------------------------------


def test_clip_grad_norm_known_values():
    grads = [np.array([3.0, 0.0]), np.array([[4.0]])]
    clipped, total = clip_grad_norm(grads, 1.0)
    assert total == pytest.approx(5.0, rel=1e-15)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(clipped[0], [3 * scale, 0.0], rtol=1e-15)
    np.testing.assert_allclose(clipped[1], [[4 * scale]], rtol=1e-15)
    assert clipped[1].shape == (1, 1)


def test_clip_grad_norm_leaves_small_gradients_alone_but_copies():
    grads = [np.array([3.0, 0.0]), np.array([[4.0]])]
    clipped, total = clip_grad_norm(grads, 10.0)
    assert total == pytest.approx(5.0, rel=1e-15)
    for got, given_ in zip(clipped, grads):
        np.testing.assert_array_equal(got, given_)
        assert not np.shares_memory(got, given_)


def test_clip_grad_norm_empty_list():
    assert clip_grad_norm([], 1.0) == ([], 0.0)


@settings(deadline=None, max_examples=30)
@given(a=arrays(np.float64, (3,), elements=moderate), b=arrays(np.float64, (2, 2), elements=moderate),
       max_norm=st.floats(1e-3, 1e3))
def test_clip_grad_norm_bounds_norm_and_keeps_direction(a, b, max_norm):
    a0, b0 = a.copy(), b.copy()
    (ca, cb), total = clip_grad_norm([a, b], max_norm)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
    assert total == pytest.approx(math.sqrt(np.sum(a * a) + np.sum(b * b)), rel=1e-12)
    assert math.sqrt(np.sum(ca * ca) + np.sum(cb * cb)) <= max_norm * (1 + 1e-12) or total <= max_norm
    # One common factor for every array, in [0, 1].
    flat, cflat = np.concatenate([a, b.ravel()]), np.concatenate([ca, cb.ravel()])
    if total > 0:
        factor = cflat @ flat / (flat @ flat)
        assert 0 < factor <= 1
        np.testing.assert_allclose(cflat, factor * flat, rtol=1e-12)


# --- adaptive_grad_clip ------------------------------------------------------------------


def test_agc_linear_weight_clips_per_column():
    # Column norms of w: [5, 1] -> thresholds [0.5, 0.1]; gradient column norms [1, 0.05].
    w = np.array([[3.0, 0.0], [4.0, 1.0]])
    dw = np.array([[0.0, 0.03], [1.0, 0.04]])
    np.testing.assert_allclose(adaptive_grad_clip(w, dw, clipping=0.1), [[0.0, 0.03], [0.5, 0.04]], rtol=1e-15)


def test_agc_vector_is_one_unit():
    w = np.array([3.0, 4.0])
    dw = np.array([0.3, 0.4])  # norm 0.5 against a threshold 0.01 * 5
    np.testing.assert_allclose(adaptive_grad_clip(w, dw), [0.03, 0.04], rtol=1e-14)


def test_agc_eps_floors_the_parameter_norm():
    # w = 0: threshold clipping * eps = 1e-5.
    clipped = adaptive_grad_clip(np.zeros(2), np.array([1e-3, 0.0]))
    np.testing.assert_allclose(clipped, [1e-5, 0.0], rtol=1e-12)


def test_agc_conv_weight_clips_per_filter():
    # Filter 0 has norm 5 (threshold 0.05), filter 1 norm 10 (threshold 0.1).
    w = np.array([3.0, 4.0, 6.0, 8.0]).reshape(2, 1, 1, 2)
    dw = np.array([0.0, 1.0, 0.06, 0.0]).reshape(2, 1, 1, 2)
    expected = np.array([0.0, 0.05, 0.06, 0.0]).reshape(2, 1, 1, 2)
    np.testing.assert_allclose(adaptive_grad_clip(w, dw), expected, rtol=1e-14)


def test_agc_zero_gradient_stays_zero_without_warnings():
    np.testing.assert_array_equal(adaptive_grad_clip(np.ones((3, 2)), np.zeros((3, 2))), np.zeros((3, 2)))


@settings(deadline=None, max_examples=30)
@given(w=arrays(np.float64, (3, 4), elements=moderate), dw=arrays(np.float64, (3, 4), elements=moderate),
       clipping=st.floats(1e-3, 1.0))
def test_agc_bounds_unit_ratio_and_never_mutates(w, dw, clipping):
    w0, dw0 = w.copy(), dw.copy()
    clipped = adaptive_grad_clip(w, dw, clipping=clipping)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(dw, dw0)
    assert not np.shares_memory(clipped, dw)
    ratio = np.linalg.norm(clipped, axis=0) / np.maximum(np.linalg.norm(w, axis=0), 1e-3)
    assert np.all(ratio <= clipping * (1 + 1e-12))
    # Each column is only ever shrunk, never turned.
    scale = np.sum(clipped * dw, axis=0) / np.maximum(np.sum(dw * dw, axis=0), 1e-300)
    np.testing.assert_allclose(clipped, dw * scale, rtol=1e-12)
    assert np.all((scale >= 0) & (scale <= 1 + 1e-12))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clipping_preserves_dtype(dtype):
    w = np.arange(1.0, 7.0).reshape(3, 2).astype(dtype)
    assert adaptive_grad_clip(w, 10 * w).dtype == dtype
    assert clip_grad_norm([w], 0.1)[0][0].dtype == dtype
