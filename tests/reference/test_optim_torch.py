"""reference.optim against PyTorch: 50-step trajectories, schedules, clip_grad_norm, AGC vs timm."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from reference.gradcheck import rel_error  # noqa: E402
from reference.optim import (  # noqa: E402
    adagrad,
    adam,
    adamw,
    adaptive_grad_clip,
    clip_grad_norm,
    cosine_lr,
    exponential_lr,
    rmsprop,
    sgd,
    step_lr,
)

TOL = 1e-7
STEPS = 50

CASES = [
    (sgd, torch.optim.SGD, {"lr": 0.1}),
    (sgd, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    (sgd, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    (sgd, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    (sgd, torch.optim.SGD, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    (sgd, torch.optim.SGD, {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    (adagrad, torch.optim.Adagrad, {"lr": 0.1}),
    (adagrad, torch.optim.Adagrad, {"lr": 0.3, "lr_decay": 0.05}),
    (adagrad, torch.optim.Adagrad,
     {"lr": 0.2, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3}),
    (rmsprop, torch.optim.RMSprop, {"lr": 0.01}),
    (rmsprop, torch.optim.RMSprop, {"lr": 0.01, "centered": True}),
    (rmsprop, torch.optim.RMSprop, {"lr": 0.005, "momentum": 0.9}),
    (rmsprop, torch.optim.RMSprop, {"lr": 0.005, "momentum": 0.9, "centered": True, "weight_decay": 0.05}),
    (rmsprop, torch.optim.RMSprop, {"lr": 0.005, "alpha": 0.5, "eps": 1e-4}),
    (adam, torch.optim.Adam, {"lr": 0.05}),
    (adam, torch.optim.Adam, {"lr": 0.05, "amsgrad": True}),
    (adam, torch.optim.Adam, {"lr": 0.05, "weight_decay": 0.1}),
    (adam, torch.optim.Adam, {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-3, "amsgrad": True, "weight_decay": 0.2}),
    (adamw, torch.optim.AdamW, {"lr": 0.05}),
    (adamw, torch.optim.AdamW, {"lr": 0.05, "weight_decay": 0.1}),
    (adamw, torch.optim.AdamW, {"lr": 0.1, "betas": (0.6, 0.95), "weight_decay": 0.5, "amsgrad": True}),
]


def case_id(case):
    rule, _, hyper = case
    return rule.__name__ + "-" + "-".join(f"{k}={v}" for k, v in hyper.items())


def make_problem(seed):
    """Gradient of f(w) = 1/2 tr((w - c)^T H (w - c)) + sum(cos(w)): depends on w, so paths matter."""
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((3, 3))
    hess = q @ q.T + 0.5 * np.eye(3)
    target = rng.standard_normal((3, 4))

    def grad(w):
        return hess @ (w - target) - np.sin(w)

    return rng.standard_normal((3, 4)), grad


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("seed", [0, 1])
def test_trajectory_matches_torch(case, seed):
    rule, torch_cls, hyper = case
    w0, grad = make_problem(seed)
    param = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = torch_cls([param], **hyper)
    w, state = w0, None
    worst = 0.0
    for _ in range(STEPS):
        param.grad = torch.from_numpy(grad(param.detach().numpy().copy()))
        opt.step()
        w, state = rule(w, grad(w), state, **hyper)
        worst = max(worst, rel_error(w, param.detach().numpy()))
    assert worst <= TOL, f"worst relative error over {STEPS} steps: {worst:.3e}"
    assert rel_error(w, w0) > 1e-3  # the weights did move
    torch_state = opt.state[param]
    for key, value in state.items():
        expected = torch_state[key]
        if key == "step":
            assert value == int(expected)
        else:
            assert rel_error(value, expected.numpy()) <= TOL, key


def torch_lrs(scheduler_cls, lr0, epochs, **kwargs):
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr0)
    scheduler = scheduler_cls(opt, **kwargs)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs)


@pytest.mark.parametrize("step_size, gamma", [(3, 0.1), (7, 0.5), (1, 0.9)])
def test_step_lr_matches_torch(step_size, gamma):
    ours = [step_lr(0.1, e, step_size=step_size, gamma=gamma) for e in range(31)]
    theirs = torch_lrs(torch.optim.lr_scheduler.StepLR, 0.1, 30, step_size=step_size, gamma=gamma)
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=0)


@pytest.mark.parametrize("gamma", [0.9, 0.5])
def test_exponential_lr_matches_torch(gamma):
    ours = [exponential_lr(0.1, e, gamma=gamma) for e in range(31)]
    theirs = torch_lrs(torch.optim.lr_scheduler.ExponentialLR, 0.1, 30, gamma=gamma)
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=0)


@pytest.mark.parametrize("t_max, eta_min", [(10, 0.0), (7, 0.001), (30, 0.01)])
def test_cosine_lr_matches_torch(t_max, eta_min):
    ours = np.array([cosine_lr(0.1, e, t_max=t_max, eta_min=eta_min) for e in range(31)])
    theirs = torch_lrs(torch.optim.lr_scheduler.CosineAnnealingLR, 0.1, 30, T_max=t_max, eta_min=eta_min)
    # torch steps a recursion whose value at t_max is exactly eta_min = 0 in one case: compare
    # absolutely at the scale of lr0 there, relatively everywhere else.
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=1e-15)
    assert rel_error(ours, theirs) <= TOL


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_clip_grad_norm_matches_torch(max_norm, seed):
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(shape) for shape in [(3, 4), (4,), (2, 1, 3, 3)]]
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(g.copy())
    expected_total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    clipped, total = clip_grad_norm(grads, max_norm)
    assert rel_error(total, expected_total.item()) <= TOL
    for got, p in zip(clipped, params):
        assert rel_error(got, p.grad.numpy()) <= TOL


def timm_adaptive_clip_grad(param, grad, clip_factor=0.01, eps=1e-3):
    """timm.utils.agc.adaptive_clip_grad for one tensor in torch's (out, in, ...) layout."""

    def unitwise_norm(x):
        if x.ndim <= 1:
            return x.norm(2.0)
        return x.norm(2.0, dim=tuple(range(1, x.ndim)), keepdim=True)

    max_norm = unitwise_norm(param).clamp(min=eps).mul(clip_factor)
    grad_norm = unitwise_norm(grad)
    clipped = grad * (max_norm / grad_norm.clamp(min=1e-6))
    return torch.where(grad_norm < max_norm, grad, clipped)


def agc_problem(shape, seed):
    """Weights and gradients whose units are partly above, partly below the threshold."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(shape)
    w.reshape(-1)[:2] = 0.0  # exercise the eps floor on a (part of a) unit
    # One random scale per output unit: columns for (D, M), leading axis otherwise.
    unit_shape = (1, shape[1]) if len(shape) == 2 else (shape[0],) + (1,) * (len(shape) - 1)
    dw = rng.standard_normal(shape) * np.exp(rng.uniform(-7, 0, size=unit_shape))
    return w, dw


@pytest.mark.parametrize("clipping", [0.01, 0.1])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agc_matches_timm(clipping, seed):
    # Linear (D, M): our output units are columns; timm sees torch's (M, D) = w.T.
    w, dw = agc_problem((5, 8), seed)
    theirs = timm_adaptive_clip_grad(torch.from_numpy(w.T.copy()), torch.from_numpy(dw.T.copy()), clipping)
    ours = adaptive_grad_clip(w, dw, clipping=clipping)
    assert rel_error(ours, theirs.numpy().T) <= TOL
    assert not np.allclose(ours, dw) and np.any(np.all(ours == dw, axis=0))  # some clipped, some not
    # Conv (F, C, HH, WW) and bias (F,) use torch's layout directly.
    for shape in [(6, 2, 3, 3), (6,)]:
        w, dw = agc_problem(shape, seed)
        theirs = timm_adaptive_clip_grad(torch.from_numpy(w), torch.from_numpy(dw), clipping)
        assert rel_error(adaptive_grad_clip(w, dw, clipping=clipping), theirs.numpy()) <= TOL

