"""rmsprop: single steps, the moving average over steps, alpha, centered, momentum, all of them
with weight decay, gradients as small as eps, and the state it returns."""

from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.task04_rmsprop


def rmsprop_mistake(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                    centered=False, mistake):
    """RMSprop with one known mistake (see MISTAKES)."""
    if state is None:
        state = {"step": 0, "square_avg": np.zeros_like(w), "momentum_buffer": np.zeros_like(w),
                 "grad_avg": np.zeros_like(w)}
    step = state["step"] + 1
    g = dw if mistake == "wd_ignored" else dw + weight_decay * w
    if mistake == "alpha_swapped":
        v = (1 - alpha) * state["square_avg"] + alpha * g * g
        m = (1 - alpha) * state["grad_avg"] + alpha * g
    else:
        v = alpha * state["square_avg"] + (1 - alpha) * g * g
        m = alpha * state["grad_avg"] + (1 - alpha) * g
    if mistake == "bias_corrected":
        v = v / (1 - alpha ** step)
    if centered and mistake != "centered_ignored":
        var = v - m if mistake == "centered_m" else v - m * m
        avg = np.sqrt(np.maximum(var, 0.0)) + eps
    elif mistake == "eps_inside":
        avg = np.sqrt(v + eps)
    else:
        avg = np.sqrt(v) + eps
    new_state = {"step": step, "square_avg": v, "grad_avg": m, "momentum_buffer": state["momentum_buffer"]}
    if mistake == "bias_corrected":
        new_state["square_avg"] = v * (1 - alpha ** step)
    if momentum > 0 and mistake != "momentum_ignored":
        if mistake == "momentum_raw":
            buf = momentum * state["momentum_buffer"] + g
            new_state["momentum_buffer"] = buf
            return w - lr * buf / avg, new_state
        buf = momentum * state["momentum_buffer"] + g / avg
        new_state["momentum_buffer"] = buf
        return w - lr * buf, new_state
    return w - lr * g / avg, new_state


MISTAKES = {
    "alpha_swapped": "alpha and 1 - alpha swapped (v = (1 - alpha) v + alpha g^2)",
    "eps_inside": "eps inside the square root; PyTorch adds it outside, to sqrt(v)",
    "bias_corrected": "v divided by 1 - alpha^t: RMSprop has no bias correction",
    "centered_ignored": "centered ignored (divide by sqrt(v - m^2) + eps when centered)",
    "centered_m": "centered with sqrt(v - m) instead of sqrt(v - m^2)",
    "momentum_raw": "momentum buffer on the raw gradient (b = mu b + g); it accumulates the scaled g / a",
    "momentum_ignored": "momentum ignored",
    "wd_ignored": "weight decay ignored",
}


def mistakes(*keys):
    return {MISTAKES[k]: partial(rmsprop_mistake, mistake=k) for k in keys}


def gradients(rng, shape, steps, scale=1.0):
    return [scale * rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("shape", [(1,), (3, 5)], ids=["1", "3x5"])
def test_one_step(follow, ref, rng, shape):
    """One RMSprop step"""
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 1), {"lr": 0.01},
           mistakes=mistakes("alpha_swapped", "bias_corrected"))


@pytest.mark.weight(2)
def test_steps(follow, ref, rng):
    """Ten RMSprop steps with the default alpha 0.99"""
    shape = (4, 3)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 10), {"lr": 0.01},
           mistakes=mistakes("alpha_swapped", "bias_corrected"))


def test_alpha(follow, ref, rng):
    """Ten steps with alpha 0.9"""
    shape = (6,)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 10),
           {"lr": 0.01, "alpha": 0.9}, mistakes=mistakes("alpha_swapped", "bias_corrected"))


def test_centered(follow, ref, rng):
    """Ten centered steps with alpha 0.9"""
    shape = (2, 4)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 10, scale=2.0),
           {"lr": 0.01, "alpha": 0.9, "centered": True},
           mistakes=mistakes("centered_ignored", "centered_m", "alpha_swapped"))


def test_momentum(follow, ref, rng):
    """Ten steps with momentum 0.9"""
    shape = (3, 3)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 10, scale=2.0),
           {"lr": 0.01, "momentum": 0.9}, mistakes=mistakes("momentum_raw", "momentum_ignored", "alpha_swapped"))


def test_everything_with_weight_decay(follow, ref, rng):
    """Eight centered steps with momentum 0.5 and weight decay 0.2"""
    shape = (5,)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.01, "alpha": 0.95, "momentum": 0.5, "centered": True, "weight_decay": 0.2},
           mistakes=mistakes("wd_ignored", "centered_ignored", "momentum_raw", "momentum_ignored"))


@pytest.mark.contract("domain_edge")
def test_tiny_gradients(follow, ref, rng):
    """Six steps on gradients about 1e-5, where eps matters"""
    shape = (4,)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 6, scale=1e-5), {"lr": 0.01},
           mistakes=mistakes("eps_inside", "alpha_swapped", "bias_corrected"))


def test_state(follow, check_state, ref, rng):
    """The state after three centered steps with momentum (step, square_avg, momentum_buffer, grad_avg)"""
    shape = (2, 3)
    w0, grads = rng.standard_normal(shape), gradients(rng, shape, 3)
    hyper = {"lr": 0.01, "momentum": 0.5, "centered": True}
    state = follow("rmsprop", ref.rmsprop, w0, grads, hyper)
    check_state(state, ref.rmsprop, w0, grads, hyper)


@pytest.mark.parametrize("hyper", [{"lr": 0.01, "alpha": 0.0}, {"lr": 0.01, "alpha": 0.95, "momentum": 0.95}],
                         ids=["alpha 0", "momentum 0.95"])
@pytest.mark.contract("domain_edge")
def test_hyperparameters_at_domain_edges(follow, ref, rng, hyper):
    """Eight steps with alpha 0 (v is the last g^2: sign-like steps) or momentum 0.95 (next to its excluded 1)"""
    shape = (5,)
    follow("rmsprop", ref.rmsprop, rng.standard_normal(shape), gradients(rng, shape, 8), hyper,
           mistakes=mistakes("alpha_swapped", "bias_corrected", "eps_inside", "momentum_raw", "momentum_ignored"))
