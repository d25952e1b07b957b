import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.conv import (  # noqa: E402
    avgpool2d_backward,
    avgpool2d_forward,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    flatten_backward,
    flatten_forward,
    maxpool2d_backward,
    maxpool2d_forward,
)
from reference.gradcheck import rel_error  # noqa: E402

TOL = 1e-7

CONV_CASES = [
    dict(x=(2, 3, 6, 6), w=(4, 3, 3, 3), stride=1, pad=0),
    dict(x=(2, 3, 7, 5), w=(4, 3, 3, 2), stride=1, pad=1),
    dict(x=(3, 2, 8, 9), w=(2, 2, 3, 3), stride=2, pad=1),
    dict(x=(1, 4, 7, 6), w=(3, 4, 2, 3), stride=2, pad=2),
    dict(x=(2, 1, 9, 8), w=(5, 1, 4, 1), stride=3, pad=0),
]
CONV_PAIRS = {"naive": (conv2d_forward_naive, conv2d_backward_naive), "fast": (conv2d_forward, conv2d_backward)}


def _torch_grads(fn, dout, *arrays):
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


@pytest.mark.parametrize("pair", list(CONV_PAIRS.values()), ids=list(CONV_PAIRS))
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c['x']}-{c['w']}-s{c['stride']}p{c['pad']}")
def test_conv2d_matches_torch(pair, case):
    forward, backward = pair
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(case["x"]), rng.standard_normal(case["w"])
    b = rng.standard_normal(case["w"][0])
    out, cache = forward(x, w, b, stride=case["stride"], pad=case["pad"])
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    t_out, t_grads = _torch_grads(
        lambda xt, wt, bt: F.conv2d(xt, wt, bt, stride=case["stride"], padding=case["pad"]), dout, x, w, b)
    assert out.shape == t_out.shape
    assert rel_error(out, t_out) <= TOL
    for name, g, tg in zip("xwb", grads, t_grads):
        assert rel_error(g, tg) <= TOL, name


POOL_CASES = [
    dict(x=(2, 3, 8, 8), ph=2, pw=2, stride=2),
    dict(x=(2, 2, 7, 9), ph=3, pw=2, stride=1),
    dict(x=(1, 3, 9, 7), ph=3, pw=3, stride=2),
    dict(x=(2, 2, 5, 8), ph=2, pw=3, stride=3),
]
POOL_IDS = [f"{c['x']}-{c['ph']}x{c['pw']}s{c['stride']}" for c in POOL_CASES]


@pytest.mark.parametrize("case", POOL_CASES, ids=POOL_IDS)
def test_maxpool2d_matches_torch(case):
    rng = np.random.default_rng(8)
    x = rng.standard_normal(case["x"])
    out, cache = maxpool2d_forward(x, pool_height=case["ph"], pool_width=case["pw"], stride=case["stride"])
    dout = rng.standard_normal(out.shape)
    dx = maxpool2d_backward(dout, cache)
    t_out, (t_dx,) = _torch_grads(
        lambda xt: F.max_pool2d(xt, (case["ph"], case["pw"]), stride=case["stride"]), dout, x)
    assert out.shape == t_out.shape
    assert rel_error(out, t_out) <= TOL
    assert rel_error(dx, t_dx) <= TOL


@pytest.mark.parametrize("stride", [1, 2])
def test_maxpool2d_ties_match_torch(stride):
    # Small integers make many ties inside windows, including windows that overlap.
    rng = np.random.default_rng(9)
    x = rng.integers(0, 3, size=(2, 3, 6, 6)).astype(np.float64)
    out, cache = maxpool2d_forward(x, pool_height=3, pool_width=2, stride=stride)
    dout = rng.standard_normal(out.shape)
    dx = maxpool2d_backward(dout, cache)
    t_out, (t_dx,) = _torch_grads(lambda xt: F.max_pool2d(xt, (3, 2), stride=stride), dout, x)
    np.testing.assert_array_equal(out, t_out)
    assert rel_error(dx, t_dx) <= TOL
    _, t_idx = F.max_pool2d(torch.tensor(x), (3, 2), stride=stride, return_indices=True)
    # torch's index is into the H x W plane; ours is into the window, row-major.
    rows, cols = np.divmod(t_idx.numpy(), x.shape[3])
    i = np.arange(out.shape[2])[:, None] * stride
    j = np.arange(out.shape[3])[None, :] * stride
    np.testing.assert_array_equal(cache[1], (rows - i) * 2 + (cols - j))


@pytest.mark.parametrize("case", POOL_CASES, ids=POOL_IDS)
def test_avgpool2d_matches_torch(case):
    rng = np.random.default_rng(10)
    x = rng.standard_normal(case["x"])
    out, cache = avgpool2d_forward(x, pool_height=case["ph"], pool_width=case["pw"], stride=case["stride"])
    dout = rng.standard_normal(out.shape)
    dx = avgpool2d_backward(dout, cache)
    t_out, (t_dx,) = _torch_grads(
        lambda xt: F.avg_pool2d(xt, (case["ph"], case["pw"]), stride=case["stride"]), dout, x)
    assert out.shape == t_out.shape
    assert rel_error(out, t_out) <= TOL
    assert rel_error(dx, t_dx) <= TOL


def test_flatten_matches_torch():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 2, 4, 5))
    out, cache = flatten_forward(x)
    dout = rng.standard_normal(out.shape)
    t_out, (t_dx,) = _torch_grads(lambda xt: torch.flatten(xt, start_dim=1), dout, x)
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_array_equal(flatten_backward(dout, cache), t_dx)
