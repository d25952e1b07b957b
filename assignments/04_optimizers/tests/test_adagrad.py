"""adagrad: single steps, accumulation over steps, lr_decay, weight decay and the initial
accumulator, gradients as small as eps, and the state it returns."""

from functools import partial

import numpy as np
import pytest

pytestmark = pytest.mark.task04_adagrad


def adagrad_mistake(w, dw, state, *, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                    eps=1e-10, mistake):
    """Adagrad with one known mistake (see MISTAKES)."""
    if state is None:
        start = 0.0 if mistake == "init_ignored" else initial_accumulator_value
        step, total = 0, np.full_like(w, start)
    else:
        step, total = state["step"], state["sum"]
    step += 1
    g = dw if mistake == "wd_ignored" else dw + weight_decay * w
    clr = lr / (1 + (step if mistake == "decay_t" else step - 1) * lr_decay)
    old = total
    if mistake == "no_accumulation":
        total = np.full_like(w, initial_accumulator_value)
    total = total + (np.abs(g) if mistake == "abs" else g * g)
    if mistake == "eps_inside":
        denom = np.sqrt(total + eps)
    elif mistake == "no_sqrt":
        denom = total + eps
    elif mistake == "sum_after":
        denom = np.sqrt(old) + eps
    else:
        denom = np.sqrt(total) + eps
    return w - clr * g / denom, {"step": step, "sum": total}


MISTAKES = {
    "abs": "accumulated |g| instead of the squares g^2",
    "no_sqrt": "divided by the sum of squares itself, not by its square root",
    "eps_inside": "eps inside the square root; PyTorch adds it outside, to sqrt(sum)",
    "sum_after": "the step used the sum before adding this step's g^2",
    "decay_t": "lr_decay applied with t instead of t - 1 (the first step uses the full lr)",
    "init_ignored": "initial_accumulator_value ignored (the sum must start at that value)",
    "wd_ignored": "weight decay ignored",
    "no_accumulation": "the sum does not accumulate: each step starts again from initial_accumulator_value "
                       "(carry state['sum'] over from the previous step)",
}


def mistakes(*keys):
    return {MISTAKES[k]: partial(adagrad_mistake, mistake=k) for k in keys}


def gradients(rng, shape, steps, scale=1.0):
    return [scale * rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("shape", [(1,), (4, 3)], ids=["1", "4x3"])
def test_one_step(follow, ref, rng, shape):
    """One Adagrad step"""
    follow("adagrad", ref.adagrad, rng.standard_normal(shape), gradients(rng, shape, 1), {"lr": 0.1},
           mistakes=mistakes("no_sqrt", "abs", "sum_after"))


@pytest.mark.weight(2)
def test_steps(follow, ref, rng):
    """Twelve Adagrad steps (the sum of squares accumulates)"""
    shape = (3, 4)
    follow("adagrad", ref.adagrad, rng.standard_normal(shape), gradients(rng, shape, 12, scale=2.0), {"lr": 0.1},
           mistakes=mistakes("abs", "no_sqrt", "sum_after", "no_accumulation"))


def test_lr_decay(follow, ref, rng):
    """Eight steps with lr_decay 0.2"""
    shape = (5,)
    follow("adagrad", ref.adagrad, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.1, "lr_decay": 0.2}, mistakes=mistakes("decay_t", "abs", "no_accumulation"))


def test_weight_decay_and_initial_accumulator(follow, ref, rng):
    """Eight steps with weight decay 0.1 and initial accumulator 0.5"""
    shape = (2, 3)
    follow("adagrad", ref.adagrad, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5},
           mistakes=mistakes("init_ignored", "wd_ignored", "abs", "eps_inside", "no_accumulation"))


@pytest.mark.contract("domain_edge")
def test_tiny_gradients(follow, ref, rng):
    """Six steps on gradients about 1e-5, where eps matters"""
    shape = (4,)
    follow("adagrad", ref.adagrad, rng.standard_normal(shape), gradients(rng, shape, 6, scale=1e-5), {"lr": 0.1},
           mistakes=mistakes("eps_inside", "abs", "no_sqrt", "no_accumulation"))


def test_state(follow, check_state, ref, rng):
    """The state after three steps: {"step": t, "sum": s}"""
    shape = (3, 2)
    w0, grads, hyper = rng.standard_normal(shape), gradients(rng, shape, 3), {"lr": 0.1}
    state = follow("adagrad", ref.adagrad, w0, grads, hyper)
    check_state(state, ref.adagrad, w0, grads, hyper)
