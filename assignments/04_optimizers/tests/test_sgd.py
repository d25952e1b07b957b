"""sgd: plain steps, weight decay, momentum (with dampening), Nesterov, a changing learning rate,
and the state it returns."""

from functools import partial

import pytest

pytestmark = pytest.mark.task04_sgd


def sgd_mistake(w, dw, state, *, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
                mistake):
    """SGD with one known mistake (see MISTAKES)."""
    if mistake == "wd_sign":
        g = dw - weight_decay * w
    elif mistake in ("wd_ignored", "wd_after"):
        g = dw
    else:
        g = dw + weight_decay * w
    if mistake == "no_momentum":
        momentum = 0.0
    if momentum == 0:
        return (w + lr * g if mistake == "uphill" else w - lr * g), {}
    old = None if state is None else state["momentum_buffer"]
    if mistake == "velocity":
        # v = mu v - lr g, w += v: PyTorch's b is -v / lr only while lr is constant
        v = -lr * g if old is None else momentum * old - lr * g
        return w + v, {"momentum_buffer": v}
    if old is None:
        buf = (1 - dampening) * g if mistake == "zero_init" else g.copy()
    elif mistake == "sign":
        buf = momentum * old - (1 - dampening) * g
    elif mistake == "damp_swapped":
        buf = momentum * old + dampening * g
    elif mistake == "damp_ignored":
        buf = momentum * old + g
    else:
        buf = momentum * old + (1 - dampening) * g
    if nesterov and mistake == "nesterov_buf":
        d = buf
    elif nesterov and mistake == "nesterov_sign":
        d = g - momentum * buf
    elif nesterov and mistake == "nesterov_old":
        d = g + momentum * (0.0 if old is None else old)
    elif nesterov:
        d = g + momentum * buf
    else:
        d = buf
    if mistake == "wd_after":
        d = d + weight_decay * w
    return (w + lr * d if mistake == "uphill" else w - lr * d), {"momentum_buffer": buf}


MISTAKES = {
    "uphill": "stepped uphill (w + lr d): the update subtracts the step",
    "sign": "momentum buffer with the wrong sign (b = mu b - g)",
    "no_momentum": "momentum ignored (plain SGD steps)",
    "zero_init": "momentum buffer started at zero; PyTorch starts it at the first gradient, undamped",
    "damp_swapped": "dampening used as the gradient's weight (b = mu b + dampening g; it should be 1 - dampening)",
    "nesterov_buf": "Nesterov step along the buffer b alone (that is plain momentum); the direction is g + mu b",
    "nesterov_old": "Nesterov step g + mu b with the old buffer; use the buffer already updated with g",
    "damp_ignored": "dampening ignored (b = mu b + g; it should be mu b + (1 - dampening) g)",
    "nesterov_sign": "Nesterov term with the wrong sign (g - mu b); the direction is g + mu b",
    "wd_sign": "weight decay with the wrong sign (g = dw - wd w)",
    "wd_ignored": "weight decay ignored",
    "wd_after": "weight decay added to the step after the momentum; it belongs in the gradient, before the buffer",
    "velocity": "velocity form (v = mu v - lr g, w + v): it differs from PyTorch's form when lr changes",
}


def mistakes(*keys):
    return {MISTAKES[k]: partial(sgd_mistake, mistake=k) for k in keys}


def gradients(rng, shape, steps, scale=1.0):
    return [scale * rng.standard_normal(shape) for _ in range(steps)]


@pytest.mark.parametrize("shape", [(1,), (5, 3), (2, 3, 4)], ids=["1", "5x3", "2x3x4"])
@pytest.mark.contract("domain_edge")
def test_plain_step(follow, ref, rng, shape):
    """One plain SGD step (no momentum)"""
    w0 = rng.standard_normal(shape)
    follow("sgd", ref.sgd, w0, gradients(rng, shape, 1), {"lr": float(rng.uniform(0.01, 0.5))},
           mistakes=mistakes("uphill"))


def test_weight_decay_step(follow, ref, rng):
    """One plain SGD step with weight decay"""
    shape = (4, 3)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 1),
           {"lr": 0.1, "weight_decay": 0.3}, mistakes=mistakes("wd_sign", "wd_ignored", "uphill"))


@pytest.mark.weight(2)
def test_momentum_steps(follow, ref, rng):
    """Ten steps with momentum 0.9"""
    shape = (4, 3)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 10), {"lr": 0.05, "momentum": 0.9},
           mistakes=mistakes("sign", "no_momentum", "uphill", "velocity"))


def test_dampening_steps(follow, ref, rng):
    """Eight steps with momentum 0.8 and dampening 0.3"""
    shape = (6,)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
           mistakes=mistakes("zero_init", "damp_swapped", "damp_ignored", "sign", "no_momentum"))


@pytest.mark.weight(2)
def test_nesterov_steps(follow, ref, rng):
    """Ten steps with Nesterov momentum 0.9"""
    shape = (3, 4)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 10),
           {"lr": 0.05, "momentum": 0.9, "nesterov": True},
           mistakes=mistakes("nesterov_buf", "nesterov_old", "nesterov_sign", "sign", "no_momentum"))


@pytest.mark.parametrize("nesterov", [False, True], ids=["momentum", "nesterov"])
def test_weight_decay_with_momentum(follow, ref, rng, nesterov):
    """Eight steps with momentum 0.9 and weight decay 0.1"""
    shape = (2, 5)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 8),
           {"lr": 0.05, "momentum": 0.9, "nesterov": nesterov, "weight_decay": 0.1},
           mistakes=mistakes("wd_after", "wd_sign", "wd_ignored", "nesterov_buf", "nesterov_old", "nesterov_sign"))


def test_learning_rate_changes_between_steps(follow, ref, rng):
    """Momentum with a learning rate that changes every step (as a schedule does)"""
    shape = (5,)
    hypers = [{"lr": 0.1 * 0.7 ** k, "momentum": 0.9} for k in range(8)]
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 8), hypers,
           mistakes=mistakes("velocity", "sign", "no_momentum"))


def test_state(follow, check_state, ref, rng):
    """The state after three momentum steps: {"momentum_buffer": b}"""
    shape = (3, 2)
    w0, grads, hyper = rng.standard_normal(shape), gradients(rng, shape, 3), {"lr": 0.1, "momentum": 0.9}
    state = follow("sgd", ref.sgd, w0, grads, hyper)
    w, buf = w0, None
    for dw in grads:
        w, buf = ref.sgd(w, dw, buf, **hyper)
    check_state(state, ref.sgd, w0, grads, hyper, mistakes={"momentum_buffer": {
        "the velocity v = -lr b stored instead of PyTorch's buffer b": -hyper["lr"] * buf["momentum_buffer"]}})


@pytest.mark.parametrize("hyper", [{"lr": 0.05, "momentum": 0.99, "dampening": 1.0},
                                   {"lr": 0.01, "momentum": 0.99, "nesterov": True}],
                         ids=["momentum 0.99, dampening 1", "nesterov, momentum 0.99"])
@pytest.mark.contract("domain_edge")
def test_hyperparameters_at_domain_edges(follow, ref, rng, hyper):
    """Twelve steps with momentum 0.99 (next to its excluded 1) and dampening 1 (its included end:
    after the first step the buffer only decays)"""
    shape = (3, 2)
    follow("sgd", ref.sgd, rng.standard_normal(shape), gradients(rng, shape, 12), hyper,
           mistakes=mistakes("zero_init", "damp_swapped", "damp_ignored", "sign", "no_momentum", "velocity",
                             "nesterov_buf", "nesterov_old", "nesterov_sign"))
