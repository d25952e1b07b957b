import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.gradcheck import rel_error  # noqa: E402
from reference.layers import (  # noqa: E402
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_running_stats,
    dropout_backward,
    dropout_forward,
    layernorm_backward,
    layernorm_forward,
    linear_backward,
    linear_forward,
)

SEEDS = range(4)
TOL = 1e-7


def _leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _assert_close(ours, theirs):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    assert rel_error(ours, theirs) <= TOL, rel_error(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_matches_torch(seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    out, cache = linear_forward(x, w, b)
    dx, dw, db = linear_backward(dout, cache)

    xt, wt, bt = _leaf(x), _leaf(w), _leaf(b)
    # torch stores the weight as (out, in): ours is its transpose
    out_t = F.linear(xt.reshape(4, -1), wt.T, bt)
    out_t.backward(torch.from_numpy(dout))
    _assert_close(out, out_t)
    for ours, t in ((dx, xt), (dw, wt), (db, bt)):
        _assert_close(ours, t.grad)


@pytest.mark.parametrize("p", [0.25, 0.7])
def test_dropout_backward_matches_torch_kernel_given_the_same_mask(p):
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((8, 6)), rng.standard_normal((8, 6))
    out, mask = dropout_forward(x, p, rng=rng)
    keep = torch.from_numpy(mask != 0)
    dx_t = torch.ops.aten.native_dropout_backward(torch.from_numpy(dout), keep, 1.0 / (1.0 - p))
    _assert_close(dropout_backward(dout, mask), dx_t)
    # torch's forward on the same mask is x * keep * scale: the same inverted scaling as ours
    _assert_close(out, torch.from_numpy(x) * keep / (1.0 - p))


@pytest.mark.parametrize("p", [0.25, 0.7])
def test_dropout_uses_torch_conventions(p):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(20_000) + 2.0
    torch.manual_seed(0)
    out_t = F.dropout(torch.from_numpy(x), p=p, training=True).numpy()
    out, _ = dropout_forward(x, p, rng=rng)
    for o in (out, out_t):
        kept = o != 0
        # p is the drop probability for both; binomial sd <= 0.0036 at n = 20000
        assert abs((~kept).mean() - p) < 0.02
        np.testing.assert_allclose(o[kept], x[kept] / (1 - p), rtol=1e-15)
    eval_t = F.dropout(torch.from_numpy(x), p=p, training=False).numpy()
    np.testing.assert_array_equal(dropout_forward(x, p, train=False)[0], eval_t)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_forward_backward_match_torch(seed, train):
    rng = np.random.default_rng(seed)
    n, d = 6, 4
    x = rng.normal(rng.uniform(-2, 2, d), rng.uniform(0.5, 3, d), size=(n, d))
    gamma, beta = rng.standard_normal(d), rng.standard_normal(d)
    rm, rv = rng.standard_normal(d), rng.uniform(0.5, 2, d)
    dout = rng.standard_normal((n, d))
    out, cache = batchnorm_forward(x, gamma, beta, rm, rv, train=train)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)

    xt, gt, bt = _leaf(x), _leaf(gamma), _leaf(beta)
    out_t = F.batch_norm(xt, torch.tensor(rm), torch.tensor(rv), gt, bt, training=train, momentum=0.1, eps=1e-5)
    out_t.backward(torch.from_numpy(dout))
    _assert_close(out, out_t)
    for ours, t in ((dx, xt), (dgamma, gt), (dbeta, bt)):
        _assert_close(ours, t.grad)


@pytest.mark.parametrize("momentum", [0.1, 0.35])
def test_batchnorm_running_stats_match_torch_over_several_steps(momentum):
    rng = np.random.default_rng(5)
    d = 3
    gamma, beta = rng.standard_normal(d), rng.standard_normal(d)
    rm, rv = np.zeros(d), np.ones(d)
    rm_t, rv_t = torch.zeros(d, dtype=torch.float64), torch.ones(d, dtype=torch.float64)
    for step in range(6):
        x = rng.normal(3.0, 2.0, size=(int(rng.integers(2, 9)), d))
        out, _ = batchnorm_forward(x, gamma, beta)
        rm, rv = batchnorm_running_stats(x, rm, rv, momentum=momentum)
        # torch updates rm_t, rv_t in place
        out_t = F.batch_norm(torch.from_numpy(x), rm_t, rv_t, torch.from_numpy(gamma), torch.from_numpy(beta),
                             training=True, momentum=momentum, eps=1e-5)
        _assert_close(out, out_t)
        _assert_close(rm, rm_t)
        _assert_close(rv, rv_t)
    x = rng.normal(3.0, 2.0, size=(5, d))
    out, _ = batchnorm_forward(x, gamma, beta, rm, rv, train=False)
    out_t = F.batch_norm(torch.from_numpy(x), rm_t, rv_t, torch.from_numpy(gamma), torch.from_numpy(beta),
                         training=False, eps=1e-5)
    _assert_close(out, out_t)


@pytest.mark.parametrize("seed", SEEDS)
def test_layernorm_matches_torch(seed):
    rng = np.random.default_rng(seed)
    n, d = 5, 7
    x = rng.normal(rng.uniform(-2, 2, (n, 1)), rng.uniform(0.5, 3, (n, 1)), size=(n, d))
    gamma, beta, dout = rng.standard_normal(d), rng.standard_normal(d), rng.standard_normal((n, d))
    out, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)

    xt, gt, bt = _leaf(x), _leaf(gamma), _leaf(beta)
    out_t = F.layer_norm(xt, (d,), gt, bt, eps=1e-5)
    out_t.backward(torch.from_numpy(dout))
    _assert_close(out, out_t)
    for ours, t in ((dx, xt), (dgamma, gt), (dbeta, bt)):
        _assert_close(ours, t.grad)
