"""Losses against PyTorch: values and autograd gradients w.r.t. the input, float64."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.torch

from reference import losses  # noqa: E402
from reference.gradcheck import rel_error  # noqa: E402

LAM = 0.3

# name -> (inputs maker, torch loss of (input tensor, second argument as given to torch))
CASES = {
    "mse": (
        lambda rng, n, c: (rng.standard_normal((n, c)), rng.standard_normal((n, c))),
        lambda x, t: F.mse_loss(x, torch.tensor(t)),
    ),
    "softmax_cross_entropy": (
        lambda rng, n, c: (4 * rng.standard_normal((n, c)), rng.integers(0, c, n)),
        lambda x, y: F.cross_entropy(x, torch.tensor(y)),
    ),
    "binary_cross_entropy_with_logits": (
        lambda rng, n, c: (4 * rng.standard_normal((n, c)), rng.uniform(0, 1, (n, c))),
        lambda x, y: F.binary_cross_entropy_with_logits(x, torch.tensor(y)),
    ),
    "poisson_nll": (
        lambda rng, n, c: (rng.standard_normal((n, c)), rng.poisson(2.0, (n, c)).astype(np.float64)),
        lambda x, y: F.poisson_nll_loss(x, torch.tensor(y), log_input=True, full=False),
    ),
    "hinge": (
        # scores drawn so that some margins are active and some are not
        lambda rng, n, c: (rng.standard_normal((n, c)), rng.integers(0, c, n)),
        # MultiMarginLoss averages over the C - 1 wrong classes *and* the true one: scale by C
        lambda x, y: x.shape[1] * F.multi_margin_loss(x, torch.tensor(y), p=1, margin=1.0),
    ),
    "l1_penalty": (
        lambda rng, n, c: (rng.standard_normal((n, c)), LAM),
        lambda w, lam: lam * w.abs().sum(),
    ),
    "l2_penalty": (
        lambda rng, n, c: (rng.standard_normal((n, c)), LAM),
        lambda w, lam: 0.5 * lam * (w**2).sum(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n, c", [(1, 3), (8, 5)])
def test_matches_torch(name, seed, n, c):
    make, torch_loss = CASES[name]
    x, other = make(np.random.default_rng(seed), n, c)
    loss, dx = getattr(losses, name)(x, other)
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    t_loss = torch_loss(tx, other)
    t_loss.backward()
    assert rel_error(loss, t_loss.item()) <= 1e-7
    assert rel_error(dx, tx.grad.numpy()) <= 1e-7


@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_softmax_matches_torch(scale, rng):
    x = scale * rng.standard_normal((6, 7))
    assert rel_error(losses.softmax(x), torch.softmax(torch.tensor(x), dim=1).numpy()) <= 1e-7


def test_large_logits_match_torch(rng):
    logits = 1e3 * rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    targets = rng.uniform(0, 1, (6, 4))
    for ours, theirs in [
        (losses.softmax_cross_entropy(logits, y), lambda t: F.cross_entropy(t, torch.tensor(y))),
        (losses.binary_cross_entropy_with_logits(logits, targets),
         lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor(targets))),
    ]:
        tx = torch.tensor(logits, requires_grad=True)
        t_loss = theirs(tx)
        t_loss.backward()
        assert rel_error(ours[0], t_loss.item()) <= 1e-7
        assert rel_error(ours[1], tx.grad.numpy()) <= 1e-7


def test_l1_subgradient_at_zero_matches_torch():
    w = np.array([-1.0, 0.0, 2.0])
    tw = torch.tensor(w, requires_grad=True)
    (LAM * tw.abs().sum()).backward()
    np.testing.assert_array_equal(losses.l1_penalty(w, LAM)[1], tw.grad.numpy())
