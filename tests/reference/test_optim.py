"""Update rules of reference.optim: hand-computed steps, properties, purity, dtypes."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reference.optim import adagrad, adam, adamw, rmsprop, sgd

RULES = {
    "sgd": (sgd, {"lr": 0.1}),
    "sgd_momentum": (sgd, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    "sgd_nesterov": (sgd, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    "adagrad": (adagrad, {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
    "rmsprop": (rmsprop, {"lr": 0.01}),
    "rmsprop_full": (rmsprop, {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    "adam": (adam, {"lr": 0.01}),
    "adam_full": (adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    "adamw": (adamw, {"lr": 0.01}),
    "adamw_amsgrad": (adamw, {"lr": 0.01, "amsgrad": True}),
}

finite = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)


def run(rule, w, grads, **hyper):
    """Apply ``rule`` once per gradient in ``grads``; return the final weights and state."""
    state = None
    for dw in grads:
        w, state = rule(w, np.asarray(dw, dtype=np.float64), state, **hyper)
    return w, state


# --- known values, computed by hand ------------------------------------------------------

W0 = np.array([1.0, -2.0])
G = np.array([0.5, 1.0])


def test_sgd_plain_step():
    new_w, state = sgd(W0, G, None, lr=0.1)
    np.testing.assert_allclose(new_w, [0.95, -2.1], rtol=1e-15)
    assert state == {}


def test_sgd_momentum_two_steps():
    # Step 1: b = g (no dampening), w = w - 0.1 g. Step 2: b = 0.9 g + g = 1.9 g.
    w, state = run(sgd, W0, [G, G], lr=0.1, momentum=0.9)
    np.testing.assert_allclose(w, [1 - 0.05 - 0.095, -2 - 0.1 - 0.19], rtol=1e-15)
    np.testing.assert_allclose(state["momentum_buffer"], [0.95, 1.9], rtol=1e-15)


def test_sgd_dampening_skipped_on_first_step():
    _, state = run(sgd, W0, [G], lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(state["momentum_buffer"], G, rtol=1e-15)
    _, state = run(sgd, W0, [G, G], lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(state["momentum_buffer"], [0.7, 1.4], rtol=1e-15)  # 0.9 g + 0.5 g


def test_sgd_nesterov_first_step_uses_g_plus_momentum_buffer():
    new_w, _ = sgd(W0, G, None, lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(new_w, [1 - 0.095, -2 - 0.19], rtol=1e-15)  # d = 1.9 g


def test_sgd_weight_decay_adds_to_gradient():
    new_w, _ = sgd(W0, G, None, lr=0.1, weight_decay=0.1)
    np.testing.assert_allclose(new_w, [1 - 0.06, -2 - 0.08], rtol=1e-15)  # g = [0.6, 0.8]


def test_sgd_nesterov_needs_momentum_and_no_dampening():
    with pytest.raises(ValueError, match="Nesterov"):
        sgd(W0, G, None, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        sgd(W0, G, None, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)


def test_adagrad_two_steps():
    g = np.array([3.0, 4.0])
    w, state = run(adagrad, W0, [g], lr=0.1, eps=0.0)
    np.testing.assert_allclose(w, [0.9, -2.1], rtol=1e-15)  # g / sqrt(g^2) = 1
    w, state = run(adagrad, W0, [g, g], lr=0.1, eps=0.0)
    np.testing.assert_allclose(w, [0.9 - 0.1 / math.sqrt(2), -2.1 - 0.1 / math.sqrt(2)], rtol=1e-15)
    assert state["step"] == 2
    np.testing.assert_allclose(state["sum"], [18.0, 32.0], rtol=1e-15)


def test_adagrad_lr_decay_and_initial_accumulator():
    g = np.array([3.0, 4.0])
    w, _ = run(adagrad, W0, [g, g], lr=0.1, lr_decay=1.0, eps=0.0)
    # Second step uses lr / (1 + 1 * lr_decay) = 0.05.
    np.testing.assert_allclose(w, [0.9 - 0.05 / math.sqrt(2), -2.1 - 0.05 / math.sqrt(2)], rtol=1e-15)
    w, _ = run(adagrad, W0, [g], lr=0.1, initial_accumulator_value=7.0, eps=0.0)
    np.testing.assert_allclose(w, [1 - 0.1 * 3 / 4, -2 - 0.1 * 4 / math.sqrt(23)], rtol=1e-15)


def test_rmsprop_first_step():
    # v = (1 - alpha) g^2, so g / sqrt(v) = sign(g) / sqrt(1 - alpha) = sqrt(10) sign(g).
    g = np.array([3.0, -4.0])
    w, state = run(rmsprop, np.zeros(2), [g], lr=0.01, alpha=0.9, eps=0.0)
    np.testing.assert_allclose(w, [-0.01 * math.sqrt(10), 0.01 * math.sqrt(10)], rtol=1e-14)
    np.testing.assert_allclose(state["square_avg"], [0.9, 1.6], rtol=1e-15)
    assert state["step"] == 1 and set(state) == {"step", "square_avg"}


def test_rmsprop_centered_first_step():
    # v - m^2 = 0.1 g^2 - 0.01 g^2 = 0.09 g^2, so each coordinate moves by lr / 0.3.
    g = np.array([3.0, -4.0])
    w, state = run(rmsprop, np.zeros(2), [g], lr=0.01, alpha=0.9, eps=0.0, centered=True)
    np.testing.assert_allclose(w, [-0.01 / 0.3, 0.01 / 0.3], rtol=1e-14)
    np.testing.assert_allclose(state["grad_avg"], 0.1 * g, rtol=1e-15)


def test_rmsprop_momentum_two_steps():
    # b1 = sqrt(10) sign(g); v2 = 0.19 g^2, b2 = 0.5 b1 + sign(g) / sqrt(0.19).
    g = np.array([3.0, -4.0])
    w, state = run(rmsprop, np.zeros(2), [g, g], lr=0.01, alpha=0.9, eps=0.0, momentum=0.5)
    b2 = 0.5 * math.sqrt(10) + 1 / math.sqrt(0.19)
    np.testing.assert_allclose(state["momentum_buffer"], [b2, -b2], rtol=1e-14)
    total = 0.01 * (math.sqrt(10) + b2)
    np.testing.assert_allclose(w, [-total, total], rtol=1e-14)


def test_adam_sign_flip_second_step():
    # g1 = 1, g2 = -1: m2 = -(1 - b1)^2, m_hat = -(1 - b1) / (1 + b1); v_hat = 1.
    w, state = run(adam, np.array([0.0]), [[1.0], [-1.0]], lr=0.1, eps=0.0)
    np.testing.assert_allclose(w, [-0.1 + 0.1 * 0.1 / 1.9], rtol=1e-14)
    np.testing.assert_allclose(state["exp_avg"], [-0.01], rtol=1e-14)
    np.testing.assert_allclose(state["exp_avg_sq"], [0.001 * 0.999 + 0.001], rtol=1e-14)
    assert state["step"] == 2


def test_adam_amsgrad_uses_running_max():
    # b1 = 0, b2 = 0.5, g = 2 then 1: v = 2 then 1.5, vmax stays 2; bias corrections 0.5, 0.75.
    hyper = {"lr": 1.0, "betas": (0.0, 0.5), "eps": 0.0}
    w_ams, state = run(adam, np.array([0.0]), [[2.0], [1.0]], amsgrad=True, **hyper)
    np.testing.assert_allclose(w_ams, [-1.0 - math.sqrt(0.375)], rtol=1e-14)
    np.testing.assert_allclose(state["max_exp_avg_sq"], [2.0], rtol=1e-15)
    w_plain, _ = run(adam, np.array([0.0]), [[2.0], [1.0]], **hyper)
    np.testing.assert_allclose(w_plain, [-1.0 - 1 / math.sqrt(2)], rtol=1e-14)


def test_adam_eps_after_bias_correction():
    # One step, g = 1e-8 = eps: m_hat = g, sqrt(v)/sqrt(1 - b2) = g, so the move is lr g / (g + eps).
    w, _ = adam(np.array([0.0]), np.array([1e-8]), None, lr=1.0, eps=1e-8)
    np.testing.assert_allclose(w, [-0.5], rtol=1e-7)


def test_adam_weight_decay_is_coupled():
    # g = dw + 0.1 w = -0.05 + 0.1 = 0.05 > 0, so the weight moves down by lr.
    w, _ = adam(np.array([1.0]), np.array([-0.05]), None, lr=0.1, eps=0.0, weight_decay=0.1)
    np.testing.assert_allclose(w, [0.9], rtol=1e-15)


def test_adamw_weight_decay_is_decoupled():
    # w' = (1 - 0.1 * 0.1) w = 0.99, then Adam on dw alone moves it up by lr.
    w, _ = adamw(np.array([1.0]), np.array([-0.05]), None, lr=0.1, eps=0.0, weight_decay=0.1)
    np.testing.assert_allclose(w, [1.09], rtol=1e-15)


# --- properties --------------------------------------------------------------------------

@settings(deadline=None, max_examples=30)
@given(w=arrays(np.float64, (2, 3), elements=finite), dw=arrays(np.float64, (2, 3), elements=finite),
       lr=st.floats(1e-4, 1.0))
def test_sgd_without_momentum_is_plain_gradient_step(w, dw, lr):
    new_w, _ = sgd(w, dw, None, lr=lr)
    np.testing.assert_array_equal(new_w, w - lr * dw)


@settings(deadline=None, max_examples=30)
@given(dw=arrays(np.float64, (5,), elements=st.floats(1e-3, 10) | st.floats(-10, -1e-3)),
       lr=st.floats(1e-4, 1.0))
def test_adam_first_step_moves_by_lr_sign(dw, lr):
    w = np.linspace(-1, 1, 5)
    new_w, _ = adam(w, dw, None, lr=lr)
    # |w - new_w| = lr |g| / (|g| + eps): lr up to a relative eps / |g| <= 1e-5.
    np.testing.assert_allclose(w - new_w, lr * np.sign(dw), rtol=2e-5)


@settings(deadline=None, max_examples=20)
@given(dw=arrays(np.float64, (4,), elements=st.floats(0.1, 10)), steps=st.integers(1, 6))
def test_adam_constant_gradient_moves_lr_per_step(dw, steps):
    # With a constant g, m_hat = g and v_hat = g^2 at every step, whatever the betas.
    w, _ = run(adam, np.zeros(4), [dw] * steps, lr=0.01, betas=(0.8, 0.95), eps=0.0)
    np.testing.assert_allclose(w, np.full(4, -0.01 * steps), rtol=1e-12)


@settings(deadline=None, max_examples=20)
@given(w=arrays(np.float64, (3,), elements=finite), dw=arrays(np.float64, (3,), elements=finite))
def test_adamw_without_decay_is_adam(w, dw):
    a, sa = run(adam, w, [dw, 0.5 * dw + 1], lr=0.01)
    b, sb = run(adamw, w, [dw, 0.5 * dw + 1], lr=0.01, weight_decay=0.0)
    np.testing.assert_array_equal(a, b)
    for key in sa:
        np.testing.assert_array_equal(sa[key], sb[key])


def test_rmsprop_centered_is_finite_after_a_long_constant_gradient():
    # v - m^2 shrinks like alpha^t; rounding turns it negative here (for -1.7 at step 52 and
    # 7.0 later), which must not reach sqrt as NaN.
    w, state = np.array([1.0, -3.0, 7.0]), None
    for _ in range(400):
        w, state = rmsprop(w, np.array([0.1, -1.7, 7.0]), state, lr=1e-9, alpha=0.5, centered=True)
    assert np.all(np.isfinite(w))


# --- purity and dtypes -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(RULES))
def test_inputs_and_state_never_mutated(name, rng):
    rule, hyper = RULES[name]
    w = rng.standard_normal((3, 2))
    state = None
    for _ in range(3):
        dw = rng.standard_normal((3, 2))
        w_copy, dw_copy, state_copy = w.copy(), dw.copy(), copy.deepcopy(state)
        new_w, new_state = rule(w, dw, state, **hyper)
        np.testing.assert_array_equal(w, w_copy)
        np.testing.assert_array_equal(dw, dw_copy)
        if state is not None:
            assert state.keys() == state_copy.keys()
            for key in state:
                np.testing.assert_array_equal(state[key], state_copy[key])
        # Fresh outputs: nothing returned may alias an input or the old state.
        olds = [w, dw] + [v for v in (state or {}).values() if isinstance(v, np.ndarray)]
        news = [new_w] + [v for v in new_state.values() if isinstance(v, np.ndarray)]
        assert not any(np.shares_memory(a, b) for a in news for b in olds)
        again_w, _ = rule(w, dw, state, **hyper)
        np.testing.assert_array_equal(again_w, new_w)
        w, state = new_w, new_state


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dtype_and_shape_preserved(name, dtype, rng):
    rule, hyper = RULES[name]
    w = rng.standard_normal((2, 3, 4)).astype(dtype)
    state = None
    for _ in range(2):
        w, state = rule(w, rng.standard_normal((2, 3, 4)).astype(dtype), state, **hyper)
        assert w.dtype == dtype and w.shape == (2, 3, 4)
        for value in state.values():
            if isinstance(value, np.ndarray):
                assert value.dtype == dtype and value.shape == (2, 3, 4)


def test_state_is_plain_arrays_and_ints():
    _, state = run(adam, np.zeros(2), [G, G], lr=0.1, amsgrad=True)
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert type(state["step"]) is int


@pytest.mark.parametrize("rule", [sgd, adagrad, rmsprop, adam, adamw])
def test_gradient_of_other_shape_rejected(rule):
    with pytest.raises(ValueError, match=r"dw: expected shape \(3, 2\) \(the shape of w\), got shape \(2,\)"):
        rule(np.zeros((3, 2)), np.zeros(2), None, lr=0.1)
