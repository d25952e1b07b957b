import functools

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

import torch.nn.functional as F  # noqa: E402

from reference.gradcheck import rel_error  # noqa: E402
from reference.losses import softmax_cross_entropy  # noqa: E402
from reference.nn import (  # noqa: E402
    GELU, BatchNorm1d, LayerNorm, Linear, Optimizer, Sequential, Tanh, Trainer, mlp,
)
from reference.optim import step_lr  # noqa: E402

TOL = 1e-7


def to_torch(net):
    """A torch.nn.Sequential with the same layers and weights (torch stores w transposed)."""
    modules = []
    for layer in net.layers:
        if isinstance(layer, Linear):
            m = torch.nn.Linear(*layer.params["w"].shape, dtype=torch.float64)
            m.weight.data = torch.tensor(layer.params["w"].T.copy())
            m.bias.data = torch.tensor(layer.params["b"])
        elif isinstance(layer, BatchNorm1d):
            m = torch.nn.BatchNorm1d(layer.params["gamma"].shape[0], momentum=layer.momentum, dtype=torch.float64)
        elif isinstance(layer, LayerNorm):
            m = torch.nn.LayerNorm(layer.params["gamma"].shape[0], dtype=torch.float64)
        else:
            m = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU}[layer.name]()
        if isinstance(layer, (BatchNorm1d, LayerNorm)):
            m.weight.data = torch.tensor(layer.params["gamma"])
            m.bias.data = torch.tensor(layer.params["beta"])
        modules.append(m)
    return torch.nn.Sequential(*modules)


def torch_grads(tnet, net):
    """torch's gradients under our names: Linear weight.T -> w, bias -> b, weight -> gamma..."""
    grads = {}
    for i, (layer, m) in enumerate(zip(net.layers, tnet)):
        if isinstance(layer, Linear):
            grads[f"{i}.w"], grads[f"{i}.b"] = m.weight.grad.numpy().T, m.bias.grad.numpy()
        elif isinstance(layer, (BatchNorm1d, LayerNorm)):
            grads[f"{i}.gamma"], grads[f"{i}.beta"] = m.weight.grad.numpy(), m.bias.grad.numpy()
    return grads


def ours_from_torch(tnet, net):
    params = {}
    for i, (layer, m) in enumerate(zip(net.layers, tnet)):
        if isinstance(layer, Linear):
            params[f"{i}.w"], params[f"{i}.b"] = m.weight.detach().numpy().T, m.bias.detach().numpy()
        elif isinstance(layer, BatchNorm1d):
            params[f"{i}.gamma"], params[f"{i}.beta"] = m.weight.detach().numpy(), m.bias.detach().numpy()
            params[f"{i}.running_mean"], params[f"{i}.running_var"] = m.running_mean.numpy(), m.running_var.numpy()
    return params


def feeds_batchnorm(net):
    """Biases of the Linear layers right before a BatchNorm1d: the batch mean cancels them, so
    their gradients are zero up to round-off on both sides and a relative error means nothing."""
    return {f"{i}.b" for i, layer in enumerate(net.layers[:-1])
            if isinstance(layer, Linear) and isinstance(net.layers[i + 1], BatchNorm1d)}


def mixed_net(rng):
    return Sequential([Linear(5, 8, rng=rng), BatchNorm1d(8), GELU(), Linear(8, 6, rng=rng), LayerNorm(6), Tanh(),
                       Linear(6, 3, rng=rng)])


@pytest.mark.parametrize("seed", range(3))
def test_network_forward_backward_and_running_stats_match_torch(seed):
    rng = np.random.default_rng(seed)
    net = mixed_net(rng)
    net.set_params({k: v + 0.2 * rng.standard_normal(v.shape) for k, v in net.params().items()})
    tnet = to_torch(net)
    x, y = rng.standard_normal((7, 5)), rng.integers(0, 3, size=7)
    out = net.forward(x, train=True)
    loss, dout = softmax_cross_entropy(out, y)
    dx = net.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = tnet(tx)
    tloss = F.cross_entropy(tout, torch.tensor(y))
    tloss.backward()
    assert rel_error(out, tout.detach().numpy()) <= TOL
    assert abs(loss - tloss.item()) <= TOL * abs(loss)
    assert rel_error(dx, tx.grad.numpy()) <= TOL
    expected = torch_grads(tnet, net)
    assert set(expected) == set(net.grads())
    for name, grad in net.grads().items():
        if name in feeds_batchnorm(net):
            assert max(np.abs(grad).max(), np.abs(expected[name]).max()) <= 1e-12, name
        else:
            assert rel_error(grad, expected[name]) <= TOL, name
    # eval mode reads the running statistics both sides updated during the training forward
    tnet.eval()
    assert rel_error(net.forward(x, train=False), tnet(torch.tensor(x)).detach().numpy()) <= TOL


def test_trainer_matches_a_torch_training_loop():
    """Two epochs of mini-batch AdamW with clipping and a step schedule, batch order replayed."""
    seed, batch_size, epochs = 3, 16, 2
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((40, 4)), rng.integers(0, 3, size=40)
    net = mlp([4, 7, 3], activation="tanh", batchnorm=True, rng=rng)
    tnet = to_torch(net)
    Trainer(net, Optimizer("adamw", lr=0.02, weight_decay=0.1), rng=np.random.default_rng(seed),
            batch_size=batch_size, clip_norm=0.5,
            schedule=functools.partial(step_lr, step_size=1, gamma=0.5)).fit(x, y, epochs=epochs)

    opt = torch.optim.AdamW(tnet.parameters(), lr=0.02, weight_decay=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    order_rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = order_rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            opt.zero_grad()
            F.cross_entropy(tnet(torch.tensor(x[batch])), torch.tensor(y[batch])).backward()
            torch.nn.utils.clip_grad_norm_(tnet.parameters(), 0.5)
            opt.step()
        sched.step()
    ours = net.state_dict()
    for name, value in ours_from_torch(tnet, net).items():
        if name in feeds_batchnorm(net):
            # Adam divides the round-off gradients by sqrt(v) + eps: steps of lr * 1e-17 / 1e-8
            np.testing.assert_allclose(ours[name], value, rtol=0, atol=1e-9, err_msg=name)
        else:
            assert rel_error(ours[name], value) <= TOL, name
