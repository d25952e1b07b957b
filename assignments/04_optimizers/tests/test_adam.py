"""adam: single steps (bias correction shows at once), twenty steps, other betas, gradients as
small as eps, L2 weight decay, AMSGrad, and the state it returns."""

import math
from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.task04_adam


def adam_mistake(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 mistake):
    """Adam with one known mistake (see MISTAKES)."""
    beta1, beta2 = betas[::-1] if mistake == "betas_swapped" else betas
    if state is None:
        state = {"step": 0, "exp_avg": np.zeros_like(w), "exp_avg_sq": np.zeros_like(w),
                 "max_exp_avg_sq": np.zeros_like(w)}
    step = 1 if mistake == "t_frozen" else state["step"] + 1
    coupled = mistake not in ("decoupled", "wd_ignored")
    decay = lr * weight_decay if mistake == "decoupled" else 0.0
    g = dw + weight_decay * w if coupled else dw
    m = beta1 * state["exp_avg"] + (1 - beta1) * g
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
    new_state = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    t = step + 1 if mistake == "t_off" else step
    c1 = 1.0 if mistake in ("no_bias", "no_bias_m") else 1 - beta1 ** t
    c2 = 1.0 if mistake in ("no_bias", "no_bias_v") else 1 - beta2 ** t
    if amsgrad and mistake == "ams_corrected_max":
        vmax = np.maximum(state["max_exp_avg_sq"], v / c2)
        new_state["max_exp_avg_sq"] = vmax
        denom = np.sqrt(vmax) + eps
    else:
        if amsgrad and mistake != "ams_ignored":
            v = np.maximum(state["max_exp_avg_sq"], v)
            new_state["max_exp_avg_sq"] = v
        if mistake == "eps_inside":
            denom = np.sqrt(v / c2 + eps)
        elif mistake == "eps_before":
            denom = (np.sqrt(v) + eps) / math.sqrt(c2)
        else:
            denom = np.sqrt(v / c2) + eps
    return w * (1 - decay) - lr * (m / c1) / denom, new_state


MISTAKES = {
    "no_bias": "no bias correction (divide m by 1 - beta1^t and v by 1 - beta2^t)",
    "no_bias_m": "bias correction of m forgotten (divide m by 1 - beta1^t)",
    "no_bias_v": "bias correction of v forgotten (divide v by 1 - beta2^t)",
    "t_off": "bias correction with t off by one (at the first step t = 1)",
    "t_frozen": "the step count never advances (t stays 1): the bias correction of the first step is used forever",
    "betas_swapped": "beta1 and beta2 swapped: the first moment m decays with beta1, the second v with beta2",
    "eps_inside": "eps inside the square root; PyTorch adds it to sqrt(v_hat)",
    "eps_before": "eps added before the bias correction, (sqrt(v) + eps) / sqrt(1 - beta2^t); PyTorch adds "
                  "it to sqrt(v_hat)",
    "decoupled": "decoupled weight decay (that is AdamW); Adam adds wd w to the gradient",
    "wd_ignored": "weight decay ignored",
    "ams_ignored": "amsgrad ignored (use the running maximum of v in the denominator)",
    "ams_corrected_max": "amsgrad maximum taken over the bias-corrected v_hat; PyTorch keeps the maximum of v "
                         "and corrects it",
}


def mistakes(*keys):
    return {MISTAKES[k]: partial(adam_mistake, mistake=k) for k in keys}


def gradients(rng, shape, steps, scale=1.0):
    return [scale * rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("shape", [(1,), (4, 5), (2, 3, 2)], ids=["1", "4x5", "2x3x2"])
def test_one_step(follow, ref, rng, shape):
    """One Adam step (bias correction matters from the first step)"""
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 1), {"lr": 0.01},
           mistakes=mistakes("no_bias", "no_bias_m", "no_bias_v", "t_off", "t_frozen", "betas_swapped"))


@pytest.mark.weight(2)
def test_steps(follow, ref, rng):
    """Twenty Adam steps"""
    shape = (3, 4)
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 20), {"lr": 0.01},
           mistakes=mistakes("no_bias", "no_bias_m", "no_bias_v", "t_off", "t_frozen", "betas_swapped"))


def test_betas(follow, ref, rng):
    """Ten steps with betas (0.5, 0.8)"""
    shape = (6,)
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 10),
           {"lr": 0.01, "betas": (0.5, 0.8)},
           mistakes=mistakes("no_bias", "no_bias_m", "no_bias_v", "t_off", "t_frozen", "betas_swapped"))


@pytest.mark.contract("domain_edge")
def test_tiny_gradients(follow, ref, rng):
    """Eight steps on gradients about 1e-6, where eps matters"""
    shape = (2, 3)
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 8, scale=1e-6), {"lr": 0.01},
           mistakes=mistakes("eps_inside", "eps_before", "no_bias"))


def test_weight_decay(follow, ref, rng):
    """Ten steps with (L2) weight decay 0.1"""
    shape = (3, 3)
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 10),
           {"lr": 0.01, "weight_decay": 0.1}, mistakes=mistakes("decoupled", "wd_ignored", "no_bias"))


@pytest.mark.weight(2)
def test_amsgrad(follow, ref, rng):
    """Twelve AMSGrad steps on gradients that shrink (the maximum of v matters)"""
    shape = (4, 2)
    grads = [rng.standard_normal(shape) * 0.6 ** k for k in range(12)]
    follow("adam", ref.adam, rng.standard_normal(shape), grads, {"lr": 0.01, "betas": (0.8, 0.9), "amsgrad": True},
           mistakes=mistakes("ams_ignored", "ams_corrected_max", "no_bias"))


def test_state(follow, check_state, ref, rng):
    """The state after three AMSGrad steps (step, exp_avg, exp_avg_sq, max_exp_avg_sq)"""
    shape = (3, 2)
    w0, grads, hyper = rng.standard_normal(shape), gradients(rng, shape, 3), {"lr": 0.01, "amsgrad": True}
    state = follow("adam", ref.adam, w0, grads, hyper)
    check_state(state, ref.adam, w0, grads, hyper)


@pytest.mark.parametrize("betas", [(0.0, 0.99), (0.9, 0.0)], ids=["beta1 0", "beta2 0"])
@pytest.mark.contract("domain_edge")
def test_betas_at_domain_edges(follow, ref, rng, betas):
    """Eight steps with one beta at 0, the included end of [0, 1): m or v is the last gradient alone"""
    shape = (2, 3)
    follow("adam", ref.adam, rng.standard_normal(shape), gradients(rng, shape, 8), {"lr": 0.01, "betas": betas},
           mistakes=mistakes("no_bias", "no_bias_m", "no_bias_v", "t_off", "t_frozen", "betas_swapped"))
