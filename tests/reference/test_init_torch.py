"""Our fan and gain conventions against torch.nn.init (the RNGs differ, so only through statistics)."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from reference.init import he_normal, he_uniform, lecun_normal, xavier_normal, xavier_uniform  # noqa: E402

# (ours, torch's in-place initialiser): torch lays linear weights out as (out, in), ours as (in, out)
PAIRS = [
    (xavier_uniform, torch.nn.init.xavier_uniform_),
    (xavier_normal, torch.nn.init.xavier_normal_),
    (he_uniform, lambda t: torch.nn.init.kaiming_uniform_(t, mode="fan_in", nonlinearity="relu")),
    (he_normal, lambda t: torch.nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="relu")),
    (lecun_normal, lambda t: torch.nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="linear")),
]


def _torch_draw(init, shape):
    torch.manual_seed(0)
    return init(torch.empty(shape, dtype=torch.float64)).numpy()


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=lambda f: getattr(f, "__name__", ""))
@pytest.mark.parametrize("layout", ["linear", "conv"])
def test_same_spread_as_torch(ours, theirs, layout):
    if layout == "linear":
        fan_in, fan_out = 400, 150
        w = ours(fan_in, fan_out, rng=np.random.default_rng(0))
        t = _torch_draw(theirs, (fan_out, fan_in))
    else:
        w = ours(shape=(64, 16, 3, 3), rng=np.random.default_rng(0))
        t = _torch_draw(theirs, (64, 16, 3, 3))
    # two independent sample stds of >= 9216 draws each: relative sd of their ratio <= 0.011;
    # a wrong fan or gain changes the ratio by >= 15 %
    assert abs(w.std() / t.std() - 1) < 0.05
    if ours in (xavier_uniform, he_uniform):
        # both bounded by the same a: their maxima agree to within a few a / n
        assert abs(np.abs(w).max() / np.abs(t).max() - 1) < 25 / w.size


def test_torch_relu_gain_is_sqrt2():
    assert torch.nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2.0), rel=1e-15)
