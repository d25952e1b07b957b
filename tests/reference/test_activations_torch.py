"""Activations against PyTorch: forward values and autograd gradients, float64."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.torch

from reference import activations as act  # noqa: E402
from reference.gradcheck import rel_error  # noqa: E402

# (our op's name, our keyword hyperparameters, the same op in torch)
OPS = [
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("relu", {}, torch.relu),
    ("leaky_relu", {}, lambda t: F.leaky_relu(t, negative_slope=0.01)),
    ("leaky_relu", {"alpha": 0.2}, lambda t: F.leaky_relu(t, negative_slope=0.2)),
    ("elu", {}, F.elu),
    ("elu", {"alpha": 0.7}, lambda t: F.elu(t, alpha=0.7)),
    ("selu", {}, F.selu),
    ("gelu", {}, F.gelu),
    ("gelu_tanh", {}, lambda t: F.gelu(t, approximate="tanh")),
    ("softplus", {}, F.softplus),
    ("softplus", {"beta": 2.0}, lambda t: F.softplus(t, beta=2.0)),
    ("silu", {}, F.silu),
]


def torch_pair(op, x, dout, *params):
    """Torch's output and its gradients (x first, then params) for upstream gradient dout."""
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, *params)]
    out = op(*leaves)
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def inputs(rng, shape):
    """Normal samples plus exact zeros (the kinks) and large magnitudes."""
    x = 3.0 * rng.standard_normal(shape)
    flat = x.reshape(-1)
    flat[:3] = [0.0, -25.0, 25.0]
    return x


@pytest.mark.parametrize("name, kwargs, op", OPS, ids=[n + "".join(f"-{k}={v}" for k, v in kw.items()) for n, kw, _ in OPS])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_torch(name, kwargs, op, seed):
    rng = np.random.default_rng(seed)
    forward, backward = getattr(act, f"{name}_forward"), getattr(act, f"{name}_backward")
    x = inputs(rng, (4, 5, 3))
    dout = rng.standard_normal(x.shape)
    out, cache = forward(x, **kwargs)
    dx = backward(dout, cache)
    t_out, (t_dx,) = torch_pair(op, x, dout)
    errors = (rel_error(out, t_out), rel_error(dx, t_dx))
    assert errors[0] <= 1e-7 and errors[1] <= 1e-7


@pytest.mark.parametrize("x_shape, alpha_shape", [((4, 3), (3,)), ((2, 3, 4, 4), (3,)), ((2, 3, 4), ()), ((6,), ())])
def test_prelu_matches_torch(x_shape, alpha_shape, rng):
    x = inputs(rng, x_shape)
    alpha = rng.uniform(0.05, 0.5, alpha_shape)
    dout = rng.standard_normal(x_shape)
    out, cache = act.prelu_forward(x, alpha)
    dx, dalpha = act.prelu_backward(dout, cache)
    # torch wants a 1-d weight; a single-element weight is shared by every entry, like our ().
    weight = alpha.reshape(-1)
    t_out, (t_dx, t_dw) = torch_pair(F.prelu, x, dout, weight)
    errors = (rel_error(out, t_out), rel_error(dx, t_dx), rel_error(dalpha.reshape(-1), t_dw))
    assert max(errors) <= 1e-7

