import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.gradcheck import rel_error  # noqa: E402
from reference.mlp import minibatches, mlp_backward, mlp_forward, sgd_epoch  # noqa: E402

TOL = 1e-7


def random_params(rng, sizes):
    params = {}
    for layer, (m_in, m_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"w{layer}"] = rng.standard_normal((m_in, m_out)) / np.sqrt(m_in)
        params[f"b{layer}"] = 0.1 * rng.standard_normal(m_out)
    return params


def to_torch(params):
    """torch.nn.Sequential of Linear/ReLU with our weights (torch stores w as (out, in))."""
    num_layers = len(params) // 2
    modules = []
    for layer in range(1, num_layers + 1):
        w = params[f"w{layer}"]
        linear = torch.nn.Linear(*w.shape, dtype=torch.float64)
        linear.weight.data = torch.tensor(w.T.copy())
        linear.bias.data = torch.tensor(params[f"b{layer}"].copy())
        modules.append(linear)
        if layer < num_layers:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def from_torch(net, *, grad=False):
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    out = {}
    for layer, m in enumerate(linears, start=1):
        w, b = (m.weight.grad, m.bias.grad) if grad else (m.weight.detach(), m.bias.detach())
        out[f"w{layer}"], out[f"b{layer}"] = w.numpy().T.copy(), b.numpy().copy()
    return out


@pytest.mark.parametrize("sizes", [[6, 4], [6, 8, 4], [5, 7, 6, 3]], ids=["L1", "L2", "L3"])
@pytest.mark.parametrize("seed", range(3))
def test_forward_and_every_gradient_match_torch_autograd(sizes, seed):
    rng = np.random.default_rng(seed)
    params = random_params(rng, sizes)
    x = rng.standard_normal((5, sizes[0]))
    dscores = rng.standard_normal((5, sizes[-1]))
    scores, cache = mlp_forward(x, params)
    grads = mlp_backward(dscores, cache)

    net = to_torch(params)
    tscores = net(torch.tensor(x))
    tscores.backward(torch.tensor(dscores))
    assert rel_error(scores, tscores.detach().numpy()) <= TOL
    expected = from_torch(net, grad=True)
    for key in params:
        assert rel_error(grads[key], expected[key]) <= TOL, key


@pytest.mark.parametrize("sizes,batch_size", [([4, 6, 3], 3), ([4, 5, 5, 3], 4), ([4, 3], 11)])
@pytest.mark.parametrize("seed", range(3))
def test_an_epoch_matches_torch_sgd_on_the_same_batches(sizes, batch_size, seed):
    rng = np.random.default_rng(seed)
    n = 11
    x = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    params = random_params(rng, sizes)
    new, mean_loss = sgd_epoch(params, x, y, lr=0.2, batch_size=batch_size, rng=np.random.default_rng(seed))

    net = to_torch(params)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    total = 0.0
    for batch in minibatches(n, batch_size, rng=np.random.default_rng(seed)):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(torch.tensor(x[batch])), torch.tensor(y[batch]))
        loss.backward()
        optimizer.step()
        total += loss.item() * batch.shape[0]
    expected = from_torch(net)
    for key in params:
        assert rel_error(new[key], expected[key]) <= TOL, key
    assert abs(mean_loss - total / n) <= TOL * abs(total / n)
