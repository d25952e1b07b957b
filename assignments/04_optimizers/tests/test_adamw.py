"""adamw: single steps, steps with the default and a large weight decay (decoupled, not L2),
no decay (then it is Adam), AMSGrad, and the state it returns."""

from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.task04_adamw


def adamw_mistake(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                  mistake):
    """AdamW with one known mistake (see MISTAKES)."""
    beta1, beta2 = betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w),
                 "max_exp_avg_sq": np.zeros_like(w)}
    step = state["step"] + 1
    g = dw + weight_decay * w if mistake == "coupled" else dw
    m = beta1 * state["exp_avg"] + (1 - beta1) * g
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new_state = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    if amsgrad and mistake != "ams_ignored":
        v = np.maximum(state["max_exp_avg_sq"], v)
        new_state["max_exp_avg_sq"] = v
    c1, c2 = (1.0, 1.0) if mistake == "no_bias" else (1 - beta1 ** step, 1 - beta2 ** step)
    update = lr * (m / c1) / (np.sqrt(v / c2) + eps)
    if mistake == "coupled":
        return w - update, new_state
    if mistake == "decay_no_lr":
        return w * (1 - weight_decay) - update, new_state
    if mistake == "decay_after":
        return (w - update) * (1 - lr * weight_decay), new_state
    if mistake == "decay_sign":
        return w * (1 + lr * weight_decay) - update, new_state
    return w * (1 - lr * weight_decay) - update, new_state


MISTAKES = {
    "coupled": "weight decay added to the gradient (that is Adam with L2); AdamW decouples it: "
               "w (1 - lr wd) minus the Adam step",
    "decay_no_lr": "decay without the learning rate: w (1 - wd) instead of w (1 - lr wd)",
    "decay_after": "decay applied to the updated weights; decay w, then subtract the Adam step",
    "decay_sign": "weight decay with the wrong sign: w (1 + lr wd)",
    "no_bias": "no bias correction (divide m by 1 - beta1^t and v by 1 - beta2^t)",
    "ams_ignored": "amsgrad ignored (use the running maximum of v in the denominator)",
}


def mistakes(*keys):
    return {MISTAKES[k]: partial(adamw_mistake, mistake=k) for k in keys}


def gradients(rng, shape, steps, scale=1.0):
    return [scale * rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("shape", [(1,), (4, 3)], ids=["1", "4x3"])
def test_one_step(follow, ref, rng, shape):
    """One AdamW step with weight decay 0.1"""
    follow("adamw", ref.adamw, rng.standard_normal(shape), gradients(rng, shape, 1),
           {"lr": 0.01, "weight_decay": 0.1},
           mistakes=mistakes("coupled", "decay_no_lr", "decay_after", "decay_sign", "no_bias"))


def test_default_weight_decay(follow, ref, rng):
    """Ten steps with the default weight decay (0.01)"""
    shape = (3, 4)
    follow("adamw", ref.adamw, rng.standard_normal(shape), gradients(rng, shape, 10), {"lr": 0.05},
           mistakes=mistakes("coupled", "decay_no_lr", "decay_after", "no_bias"))


@pytest.mark.weight(2)
def test_large_weight_decay(follow, ref, rng):
    """Ten steps with weight decay 0.3 (decoupled from the gradient)"""
    shape = (5, 2)
    follow("adamw", ref.adamw, 3.0 * rng.standard_normal(shape), gradients(rng, shape, 10),
           {"lr": 0.05, "weight_decay": 0.3},
           mistakes=mistakes("coupled", "decay_no_lr", "decay_after", "decay_sign", "no_bias"))


@pytest.mark.contract("domain_edge")
def test_no_weight_decay_is_adam(follow, ref, rng):
    """Eight steps with weight decay 0: the same steps as Adam"""
    shape = (6,)
    follow("adamw", ref.adamw, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.01, "weight_decay": 0.0}, mistakes=mistakes("no_bias"))


def test_amsgrad(follow, ref, rng):
    """Ten AMSGrad steps with weight decay 0.1 on gradients that shrink"""
    shape = (2, 4)
    grads = [rng.standard_normal(shape) * 0.6 ** k for k in range(10)]
    follow("adamw", ref.adamw, rng.standard_normal(shape), grads,
           {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True},
           mistakes=mistakes("ams_ignored", "coupled", "decay_after"))


def test_state(follow, check_state, ref, rng):
    """The state after three steps (step, exp_avg, exp_avg_sq)"""
    shape = (3, 2)
    w0, grads, hyper = rng.standard_normal(shape), gradients(rng, shape, 3), {"lr": 0.01, "weight_decay": 0.1}
    state = follow("adamw", ref.adamw, w0, grads, hyper)
    check_state(state, ref.adamw, w0, grads, hyper)


@pytest.mark.contract("domain_edge")
def test_betas_at_domain_edges(follow, ref, rng):
    """Eight steps with beta1 = 0, the included end of [0, 1) (m is the last gradient alone), and weight decay"""
    shape = (4,)
    follow("adamw", ref.adamw, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.01, "betas": (0.0, 0.95), "weight_decay": 0.1},
           mistakes=mistakes("coupled", "decay_no_lr", "decay_after", "decay_sign", "no_bias"))
