import functools
import math

import numpy as np
import pytest

from reference.data import poisson_claims, xor
from reference.gradcheck import gradient_check, numerical_gradient
from reference.losses import poisson_nll, softmax_cross_entropy
from reference.nn import (
    GELU, BatchNorm1d, Dropout, LayerNorm, Linear, Optimizer, ReLU, Sequential, Sigmoid, Tanh, Trainer,
    accuracy, digits_demo, mlp,
)
from reference.optim import cosine_lr, step_lr

TOL = 1e-7


def zeros_init(fan_in, fan_out, *, rng):
    return np.zeros((fan_in, fan_out))


def hand_set_net():
    """2 -> 2 -> 1 with ReLU and weights chosen so that every number below is worked out by hand."""
    net = Sequential([Linear(2, 2, rng=None, init=zeros_init), ReLU(), Linear(2, 1, rng=None, init=zeros_init)])
    net.set_params({"0.w": np.array([[1.0, -1.0], [2.0, 0.0]]), "0.b": np.array([0.0, 1.0]),
                    "2.w": np.array([[1.0], [2.0]]), "2.b": np.array([-1.0])})
    return net


# ---------------------------------------------------------------- forward and backward by hand

def test_forward_and_backward_known_values():
    net = hand_set_net()
    x = np.array([[1.0, 1.0], [1.0, -1.0]])
    # pre-activations: [1 + 2, -1 + 0 + 1] = [3, 0] and [1 - 2, -1 + 1] = [-1, 0];
    # relu -> [3, 0], [0, 0]; out = h . [1, 2] - 1 -> 2 and -1.
    np.testing.assert_allclose(net.forward(x, train=True), [[2.0], [-1.0]])
    dx = net.backward(np.ones((2, 1)))
    grads = net.grads()
    # dh = [1, 2] per row; relu'(3) = 1, relu'(0) = relu'(-1) = 0, so only the first unit of
    # the first sample passes: dpre = [[1, 0], [0, 0]].
    np.testing.assert_allclose(grads["2.w"], [[3.0], [0.0]])
    np.testing.assert_allclose(grads["2.b"], [2.0])
    np.testing.assert_allclose(grads["0.w"], [[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(grads["0.b"], [1.0, 0.0])
    np.testing.assert_allclose(dx, [[1.0, 2.0], [0.0, 0.0]])


def test_batchnorm_layer_running_stats_and_eval():
    bn = BatchNorm1d(2, momentum=0.5)
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]])
    out = bn.forward(x, train=True)
    # batch means (3, 12), biased variances (8/3, 8); unbiased (4, 12) go into the running stats
    np.testing.assert_allclose(out[:, 0], np.array([-2.0, 0.0, 2.0]) / np.sqrt(8 / 3 + 1e-5))
    np.testing.assert_allclose(bn.buffers["running_mean"], [1.5, 6.0])
    np.testing.assert_allclose(bn.buffers["running_var"], [0.5 + 2.0, 0.5 + 6.0])
    out_eval = bn.forward(x, train=False)
    np.testing.assert_allclose(out_eval, (x - [1.5, 6.0]) / np.sqrt(np.array([2.5, 6.5]) + 1e-5))
    np.testing.assert_allclose(bn.buffers["running_mean"], [1.5, 6.0])  # eval leaves them alone


def test_dropout_layer_train_and_eval():
    x = np.ones((50, 40))
    drop = Dropout(0.25, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(drop.forward(x, train=False), x)
    out = drop.forward(x, train=True)
    assert set(np.unique(out)) == {0.0, 1.0 / 0.75}
    assert abs(np.mean(out == 0) - 0.25) < 0.05
    np.testing.assert_array_equal(drop.backward(2 * x), 2 * out)


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="before forward"):
        Linear(2, 3, rng=np.random.default_rng(0)).backward(np.ones((1, 3)))
    with pytest.raises(RuntimeError, match="no gradient yet"):
        mlp([2, 3], rng=np.random.default_rng(0)).grads()


# ---------------------------------------------------------------- whole-network gradient checks

def network_pair(net, dropout_seed=0):
    """The network as an op pair over (x, *params), for gradient_check; dropout masks are
    redrawn from the same seed on every forward, so the function being differentiated is fixed."""
    names = list(net.params())

    def forward(x, *values):
        net.set_params(dict(zip(names, values)))
        for layer in net.layers:
            if isinstance(layer, Dropout):
                layer.rng = np.random.default_rng(dropout_seed)
        return net.forward(x, train=True), None

    def backward(dout, cache):
        dx = net.backward(dout)
        grads = net.grads()
        return (dx, *(grads[name] for name in names))

    return forward, backward, names


NETWORKS = {
    "relu": lambda rng: mlp([3, 5, 4, 2], rng=rng),
    "tanh+batchnorm": lambda rng: mlp([4, 6, 5, 3], activation="tanh", batchnorm=True, rng=rng),
    "gelu+dropout": lambda rng: mlp([3, 7, 3], activation="gelu", dropout=0.4, rng=rng),
    "mixed": lambda rng: Sequential([Linear(4, 5, rng=rng), LayerNorm(5), Sigmoid(), Linear(5, 6, rng=rng),
                                     BatchNorm1d(6), GELU(), Dropout(0.3, rng=rng), Linear(6, 2, rng=rng),
                                     Tanh()]),
}


def check_network(forward, backward, net, names, x, rng):
    """gradient_check on every parameter, except the bias of a Linear feeding a BatchNorm1d:
    batch normalisation subtracts the batch mean, so that bias has gradient exactly zero, where a
    relative error only compares round-off; there both gradients must vanish instead."""
    args = [x, *net.params().values()]
    before_bn = {f"{i}.b" for i, layer in enumerate(net.layers[:-1])
                 if isinstance(layer, Linear) and isinstance(net.layers[i + 1], BatchNorm1d)}
    out, cache = forward(*args)
    grads = backward(rng.standard_normal(np.shape(out)), cache)
    for position, name in enumerate(names, start=1):
        if name in before_bn:
            assert np.abs(grads[position]).max() <= 1e-12, name
            numeric = numerical_gradient(
                lambda b: float(np.sum(forward(*args[:position], b, *args[position + 1:])[0])), args[position])
            assert np.abs(numeric).max() <= 1e-7, name
    wrt = [0] + [i for i, name in enumerate(names, start=1) if name not in before_bn]
    errors = gradient_check(forward, lambda dout, cache: tuple(backward(dout, cache)[i] for i in wrt), args,
                            wrt=wrt, rng=rng)
    assert max(errors.values()) <= TOL, {(["x"] + names)[i]: e for i, e in errors.items()}
    return len(wrt) + len(before_bn)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", sorted(NETWORKS))
def test_sequential_gradients_every_parameter(kind, seed):
    rng = np.random.default_rng(seed)
    net = NETWORKS[kind](rng)
    # BatchNorm's gamma/beta start at 1/0: perturb them so that their gradients are generic.
    net.set_params({k: v + 0.3 * rng.standard_normal(v.shape) for k, v in net.params().items()})
    forward, backward, names = network_pair(net)
    x = rng.standard_normal((5, net.layers[0].params["w"].shape[0]))
    assert check_network(forward, backward, net, names, x, rng) == 1 + len(names)


@pytest.mark.parametrize("seed", range(3))
def test_gradients_through_the_loss(seed):
    rng = np.random.default_rng(seed)
    net = mlp([4, 6, 3], batchnorm=True, activation="tanh", rng=rng)
    y = rng.integers(0, 3, size=6)
    forward_net, backward_net, names = network_pair(net)

    def forward(x, *values):
        out, _ = forward_net(x, *values)
        loss, dout = softmax_cross_entropy(out, y)
        return np.array(loss), dout

    def backward(dloss, dout):
        return backward_net(dloss * dout, None)

    check_network(forward, backward, net, names, rng.standard_normal((6, 4)), rng)


# ---------------------------------------------------------------- parameters, state, builder

def test_params_names_set_params_and_state_dict():
    net = mlp([3, 4, 2], batchnorm=True, rng=np.random.default_rng(0))
    assert list(net.params()) == ["0.w", "0.b", "1.gamma", "1.beta", "3.w", "3.b"]
    assert set(net.state_dict()) == set(net.params()) | {"1.running_mean", "1.running_var"}
    with pytest.raises(ValueError, match="unknown name '9.w'"):
        net.set_params({"9.w": np.zeros((3, 4))})
    with pytest.raises(ValueError, match=r"0.w: expected shape \(3, 4\), got shape \(4, 3\)"):
        net.set_params({"0.w": np.zeros((4, 3))})
    saved = net.state_dict()
    x = np.random.default_rng(1).standard_normal((8, 3))
    before = net.forward(x, train=False)
    net.forward(x, train=True)  # moves the running statistics
    net.set_params({"0.w": np.ones((3, 4))})
    assert not np.allclose(net.forward(x, train=False), before)
    net.load_state_dict(saved)
    np.testing.assert_array_equal(net.forward(x, train=False), before)


def test_mlp_layout_and_init():
    net = mlp([64, 300, 50, 10], dropout=0.5, batchnorm=True, rng=np.random.default_rng(0))
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Linear", "BatchNorm1d", "Activation", "Dropout"] * 2 + ["Linear"]
    w = net.params()["0.w"]
    # He-uniform for relu: U[-sqrt(6 / fan_in), sqrt(6 / fan_in)], variance 2 / fan_in
    assert np.abs(w).max() <= math.sqrt(6 / 64) and abs(w.var() - 2 / 64) < 0.1 * 2 / 64
    np.testing.assert_array_equal(net.params()["0.b"], np.zeros(300))
    tanh_w = mlp([64, 300, 10], activation="tanh", rng=np.random.default_rng(0)).params()["0.w"]
    assert np.abs(tanh_w).max() <= math.sqrt(6 / 364)  # Glorot-uniform
    with pytest.raises(ValueError, match="activation"):
        mlp([2, 3, 2], activation="swish!", rng=np.random.default_rng(0))


def test_forward_keeps_float64_and_input():
    net = mlp([3, 4, 2], batchnorm=True, dropout=0.2, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((5, 3))
    x_copy = x.copy()
    out = net.forward(x, train=True)
    dx = net.backward(np.ones_like(out))
    assert out.dtype == dx.dtype == np.float64
    np.testing.assert_array_equal(x, x_copy)


# ---------------------------------------------------------------- optimiser

def test_optimizer_sgd_momentum_and_weight_decay_by_hand():
    net = Sequential([Linear(1, 1, rng=None, init=zeros_init)])
    net.set_params({"0.w": np.array([[2.0]]), "0.b": np.array([1.0])})
    opt = Optimizer("sgd", lr=0.1, momentum=0.5, weight_decay=0.5)
    grads = {"0.w": np.array([[1.0]]), "0.b": np.array([0.0])}
    opt.step(net, grads)
    # w: g = 1 + 0.5 * 2 = 2, buffer 2, w = 2 - 0.2 = 1.8;  b: g = 0.5, w = 1 - 0.05 = 0.95
    np.testing.assert_allclose(net.params()["0.w"], [[1.8]])
    np.testing.assert_allclose(net.params()["0.b"], [0.95])
    opt.step(net, grads)
    # w: g = 1 + 0.9 = 1.9, buffer 0.5 * 2 + 1.9 = 2.9, w = 1.8 - 0.29 = 1.51 (state kept per param)
    np.testing.assert_allclose(net.params()["0.w"], [[1.51]])
    with pytest.raises(ValueError, match="rule"):
        Optimizer("lbfgs", lr=0.1)


# ---------------------------------------------------------------- Trainer

def test_digits_demo_reaches_95_percent():
    assert digits_demo(seed=0) >= 0.95


def xor_data(seed):
    rng = np.random.default_rng(seed)
    x, y = xor(200, noise=0.3, rng=rng)
    x_test, y_test = xor(400, noise=0.3, rng=rng)
    return x, y, x_test, y_test


@pytest.mark.parametrize("seed", range(2))
def test_hidden_layer_solves_xor_where_logistic_regression_cannot(seed):
    x, y, x_test, y_test = xor_data(seed)
    rng = np.random.default_rng(seed)
    net = mlp([2, 8, 2], activation="tanh", rng=rng)
    history = Trainer(net, Optimizer("adam", lr=0.05), rng=rng, batch_size=32).fit(x, y, epochs=50)
    assert accuracy(net.forward(x_test, train=False), y_test) >= 0.95
    assert history["train_acc"][-1] >= 0.95
    logistic = mlp([2, 2], rng=rng)
    Trainer(logistic, Optimizer("adam", lr=0.05), rng=rng, batch_size=32).fit(x, y, epochs=50)
    # a line separates at most three of the four blobs
    assert accuracy(logistic.forward(x, train=False), y) <= 0.8


def test_poisson_regression_recovers_the_coefficients():
    rng = np.random.default_rng(0)
    x, exposure, y, true_coef = poisson_claims(100_000, rng=rng)
    # the exposure offset travels with the counts: target columns (y, log exposure)
    target = np.stack([y, np.log(exposure)], axis=1)

    def loss(out, t):
        value, dlog_rate = poisson_nll(out[:, 0] + t[:, 1], t[:, 0])
        return value, dlog_rate[:, None]

    model = Sequential([Linear(3, 1, rng=rng, init=zeros_init)])
    Trainer(model, Optimizer("adam", lr=0.05), rng=rng, loss=loss, metric=None, batch_size=2000,
            schedule=functools.partial(cosine_lr, t_max=15)).fit(x, target, epochs=15)
    fitted = np.r_[model.params()["0.w"][:, 0], model.params()["0.b"]]
    np.testing.assert_allclose(fitted, np.r_[true_coef, -2.0], rtol=0.1)
    # and it is the maximum-likelihood fit: Newton's method on the same data, independently
    design = np.c_[x, np.ones(len(x))]
    beta = np.zeros(4)
    for _ in range(25):
        mu = np.exp(design @ beta + np.log(exposure))
        beta = beta + np.linalg.solve(design.T @ (mu[:, None] * design), design.T @ (y - mu))
    np.testing.assert_allclose(fitted, beta, atol=0.01)


def test_early_stopping_stops_and_restores_the_best_weights():
    x, y, x_val, y_val = xor_data(0)
    rng = np.random.default_rng(0)
    net = mlp([2, 4, 2], rng=rng)
    trainer = Trainer(net, Optimizer("sgd", lr=0.1), rng=rng, patience=3)
    scripted = [1.0, 0.8, 0.9, 0.7, 0.75, 0.72, 0.71, 0.5, 0.4]  # best at epoch 3, stop after epoch 6
    snapshots = []

    def scripted_evaluate(x_eval, y_eval):
        snapshots.append(net.params())
        return scripted[len(snapshots) - 1], 0.5

    trainer.evaluate = scripted_evaluate
    history = trainer.fit(x, y, epochs=len(scripted), x_val=x_val, y_val=y_val)
    assert history["val_loss"] == scripted[:7]
    assert all(len(v) == 7 for v in history.values())
    assert trainer.best_epoch == 3
    for name, value in net.params().items():
        np.testing.assert_array_equal(value, snapshots[3][name])
    assert not np.array_equal(snapshots[6]["0.w"], snapshots[3]["0.w"])


def test_patience_needs_validation_data():
    x, y, _, _ = xor_data(0)
    net = mlp([2, 2], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="x_val"):
        Trainer(net, Optimizer("sgd", lr=0.1), rng=np.random.default_rng(0), patience=2).fit(x, y, epochs=3)


def fit_once(seed):
    x, y, x_val, y_val = xor_data(1)
    rng = np.random.default_rng(seed)
    net = mlp([2, 6, 2], dropout=0.2, batchnorm=True, rng=rng)
    trainer = Trainer(net, Optimizer("adamw", lr=0.01), rng=rng, batch_size=16, clip_norm=1.0,
                      schedule=functools.partial(step_lr, step_size=2, gamma=0.5))
    history = trainer.fit(x, y, epochs=5, x_val=x_val, y_val=y_val)
    return history, net.state_dict()


def test_training_is_deterministic_given_the_seed_and_logs_the_schedule():
    h1, s1 = fit_once(7)
    h2, s2 = fit_once(7)
    h3, _ = fit_once(8)
    assert h1 == h2 and h1 != h3
    for name in s1:
        np.testing.assert_array_equal(s1[name], s2[name])
    assert h1["lr"] == [0.01, 0.01, 0.005, 0.005, 0.0025]
    assert all(0 <= a <= 1 for a in h1["train_acc"] + h1["val_acc"])


def test_gradient_clipping_bounds_each_step():
    x, y, _, _ = xor_data(0)
    net = mlp([2, 8, 2], rng=np.random.default_rng(0))
    before = net.params()
    # one batch, plain SGD: the step is lr times the clipped gradient, of norm 1e-3 at most
    Trainer(net, Optimizer("sgd", lr=0.5), rng=np.random.default_rng(0), batch_size=len(x),
            clip_norm=1e-3).fit(x, y, epochs=1)
    step = np.sqrt(sum(np.sum((net.params()[k] - before[k]) ** 2) for k in before))
    assert step == pytest.approx(0.5 * 1e-3, rel=1e-5)


def test_fit_does_not_mutate_data():
    x, y, x_val, y_val = xor_data(0)
    copies = [a.copy() for a in (x, y, x_val, y_val)]
    net = mlp([2, 4, 2], batchnorm=True, rng=np.random.default_rng(0))
    Trainer(net, Optimizer("adam", lr=0.01), rng=np.random.default_rng(0)).fit(
        x, y, epochs=2, x_val=x_val, y_val=y_val)
    for a, b in zip((x, y, x_val, y_val), copies):
        np.testing.assert_array_equal(a, b)


def test_an_epoch_is_minibatch_steps_over_an_rng_permutation():
    x, y, _, _ = xor_data(2)
    nets = [mlp([2, 5, 2], batchnorm=True, rng=np.random.default_rng(4)) for _ in range(2)]
    Trainer(nets[0], Optimizer("adam", lr=0.01), rng=np.random.default_rng(5), batch_size=48).fit(x, y, epochs=1)
    optimizer, order = Optimizer("adam", lr=0.01), np.random.default_rng(5).permutation(len(x))
    for start in range(0, len(x), 48):  # 200 samples: batches of 48, 48, 48, 48 and 8
        batch = order[start:start + 48]
        _, dout = softmax_cross_entropy(nets[1].forward(x[batch], train=True), y[batch])
        nets[1].backward(dout)
        optimizer.step(nets[1])
    for name, value in nets[1].state_dict().items():
        np.testing.assert_allclose(nets[0].state_dict()[name], value, rtol=1e-12, atol=1e-15)
