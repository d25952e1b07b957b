"""A small network library on top of the pure op pairs: layer objects, Sequential, an optimiser
and a Trainer. Used by the notebooks' experiments; never inlined into a notebook.

    layer.forward(x, *, train) -> out          keeps the op's cache on the layer
    layer.backward(dout)       -> dx           stores layer.grads[name] for every layer.params[name]

A layer holds its parameters in ``params`` (name -> array), their gradients in ``grads`` and
non-trained state (batch-norm running statistics) in ``buffers``. Arrays are replaced, never
updated in place, so an array handed out by ``params()`` stays valid as a snapshot.
``Sequential`` names the parameters of its i-th layer ``"i.name"`` (``"0.w"``, ``"1.gamma"``),
as ``torch.nn.Sequential`` does.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from reference.activations import (
    gelu_backward, gelu_forward, relu_backward, relu_forward, sigmoid_backward, sigmoid_forward,
    silu_backward, silu_forward, tanh_backward, tanh_forward,
)
from reference.data import digits_split
from reference.init import he_uniform, xavier_uniform
from reference.layers import (
    batchnorm_backward, batchnorm_forward, batchnorm_running_stats, dropout_backward, dropout_forward,
    layernorm_backward, layernorm_forward, linear_backward, linear_forward,
)
from reference.losses import softmax_cross_entropy
from reference.model_selection import early_stopping
from reference.optim import adagrad, adam, adamw, clip_grad_norm, cosine_lr, rmsprop, sgd

__all__ = [
    "Layer", "Linear", "Activation", "ReLU", "Tanh", "Sigmoid", "GELU", "Dropout", "BatchNorm1d",
    "LayerNorm", "Sequential", "mlp", "Optimizer", "Trainer", "accuracy", "digits_demo",
]


class Layer:
    """Base class: a layer without parameters; subclasses set ``self.op`` or override the methods."""

    def __init__(self):
        self.params, self.grads, self.buffers = {}, {}, {}
        self.cache = None

    def backward(self, dout):
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._backward(dout)


class Linear(Layer):
    """Affine layer with w (in_features, out_features) from ``init`` and b zeros (out_features,)."""

    def __init__(self, in_features, out_features, *, rng, init=he_uniform):
        super().__init__()
        self.params = {"w": init(in_features, out_features, rng=rng), "b": np.zeros(out_features)}

    def forward(self, x, *, train):
        out, self.cache = linear_forward(x, self.params["w"], self.params["b"])
        return out

    def _backward(self, dout):
        dx, self.grads["w"], self.grads["b"] = linear_backward(dout, self.cache)
        return dx


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "gelu": (gelu_forward, gelu_backward),
    "silu": (silu_forward, silu_backward),
}


class Activation(Layer):
    """An elementwise activation from ``ACTIVATIONS`` by name."""

    def __init__(self, name):
        super().__init__()
        if name not in ACTIVATIONS:
            raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {name!r}")
        self.name = name
        self._forward_op, self._backward_op = ACTIVATIONS[name]

    def forward(self, x, *, train):
        out, self.cache = self._forward_op(x)
        return out

    def _backward(self, dout):
        return self._backward_op(dout, self.cache)


class ReLU(Activation):
    def __init__(self):
        super().__init__("relu")


class Tanh(Activation):
    def __init__(self):
        super().__init__("tanh")


class Sigmoid(Activation):
    def __init__(self):
        super().__init__("sigmoid")


class GELU(Activation):
    def __init__(self):
        super().__init__("gelu")


class Dropout(Layer):
    """Inverted dropout with drop probability p; masks are drawn from ``rng``, only when training."""

    def __init__(self, p, *, rng):
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, x, *, train):
        out, self.cache = dropout_forward(x, self.p, train=train, rng=self.rng if train else None)
        return out

    def _backward(self, dout):
        return dropout_backward(dout, self.cache)


class BatchNorm1d(Layer):
    """Batch normalisation of (N, D) inputs: gamma ones, beta zeros; running mean 0 and var 1
    (as torch), updated with ``momentum`` on every training forward, whose batch needs at least
    2 samples (the unbiased variance; torch refuses such batches too)."""

    def __init__(self, num_features, *, momentum=0.1, eps=1e-5):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.buffers = {"running_mean": np.zeros(num_features), "running_var": np.ones(num_features)}

    def forward(self, x, *, train):
        mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        out, self.cache = batchnorm_forward(x, self.params["gamma"], self.params["beta"], mean, var,
                                            train=train, eps=self.eps)
        if train:
            self.buffers["running_mean"], self.buffers["running_var"] = batchnorm_running_stats(
                x, mean, var, momentum=self.momentum)
        return out

    def _backward(self, dout):
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self.cache)
        return dx


class LayerNorm(Layer):
    """Layer normalisation of (N, D) inputs: gamma ones, beta zeros; the same in train and eval."""

    def __init__(self, num_features, *, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}

    def forward(self, x, *, train):
        out, self.cache = layernorm_forward(x, self.params["gamma"], self.params["beta"], eps=self.eps)
        return out

    def _backward(self, dout):
        dx, self.grads["gamma"], self.grads["beta"] = layernorm_backward(dout, self.cache)
        return dx


class Sequential:
    """Layers applied in order; backward runs them in reverse and leaves every gradient in place."""

    def __init__(self, layers):
        self.layers = list(layers)

    def forward(self, x, *, train):
        for layer in self.layers:
            x = layer.forward(x, train=train)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def _named(self, attribute):
        return {f"{i}.{name}": value for i, layer in enumerate(self.layers)
                for name, value in getattr(layer, attribute).items()}

    def params(self):
        """Parameters, name -> array (the layers' own arrays, never modified in place)."""
        return self._named("params")

    def grads(self):
        """Gradients of the last backward, name -> array, with the keys of params()."""
        missing = set(self.params()) - set(self._named("grads"))
        if missing:
            raise RuntimeError(f"grads: no gradient yet for {sorted(missing)}; call backward first")
        return self._named("grads")

    def set_params(self, values):
        """Replace parameters by name (any subset); an unknown name or a new shape is a ValueError."""
        self._assign("params", values)

    def state_dict(self):
        """Copies of every parameter and buffer (running statistics), name -> array."""
        return {name: value.copy() for name, value in {**self.params(), **self._named("buffers")}.items()}

    def load_state_dict(self, state):
        params = self.params()
        self._assign("params", {k: v.copy() for k, v in state.items() if k in params})
        self._assign("buffers", {k: v.copy() for k, v in state.items() if k not in params})

    def _assign(self, attribute, values):
        current = self._named(attribute)
        for name, value in values.items():
            if name not in current:
                raise ValueError(f"{attribute}: unknown name {name!r}, expected one of {sorted(current)}")
            if np.shape(value) != current[name].shape:
                raise ValueError(f"{name}: expected shape {current[name].shape}, got shape {np.shape(value)}")
            index, _, key = name.partition(".")
            getattr(self.layers[int(index)], attribute)[key] = value


def mlp(sizes, *, activation="relu", dropout=0.0, batchnorm=False, rng):
    """Multi-layer perceptron: for each hidden size, Linear [-> BatchNorm1d] -> activation
    [-> Dropout]; the last Linear outputs raw scores (no activation).

    sizes: [in_features, hidden_1, ..., out_features] (at least 2 entries). rng: Generator for
    the weights (and, shared, for the dropout masks). Weights use He-uniform init for relu-like
    activations and Glorot-uniform for tanh/sigmoid, biases start at zero.
    """
    if len(sizes) < 2:
        raise ValueError(f"sizes: expected at least [in_features, out_features], got {sizes!r}")
    init = xavier_uniform if activation in ("tanh", "sigmoid") else he_uniform
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(Linear(fan_in, fan_out, rng=rng, init=init))
        if batchnorm:
            layers.append(BatchNorm1d(fan_out))
        layers.append(Activation(activation))
        if dropout > 0:
            layers.append(Dropout(dropout, rng=rng))
    layers.append(Linear(sizes[-2], sizes[-1], rng=rng, init=init))
    return Sequential(layers)


RULES = {"sgd": sgd, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam, "adamw": adamw}


class Optimizer:
    """One update rule of ``reference.optim`` applied to every parameter, with per-parameter state.

    rule: a name in ``RULES``; lr: the learning rate (the Trainer's schedule rewrites ``self.lr``);
    hyper: the rule's other keywords (momentum, betas, weight_decay...).
    """

    def __init__(self, rule, *, lr, **hyper):
        if rule not in RULES:
            raise ValueError(f"rule: expected one of {sorted(RULES)}, got {rule!r}")
        self.rule, self.lr, self.hyper = RULES[rule], lr, hyper
        self.state = {}

    def step(self, model, grads=None):
        """Update model's parameters from ``grads`` (default: ``model.grads()``)."""
        grads = model.grads() if grads is None else grads
        new = {}
        for name, w in model.params().items():
            new[name], self.state[name] = self.rule(w, grads[name], self.state.get(name), lr=self.lr, **self.hyper)
        model.set_params(new)


def accuracy(scores, y):
    """Fraction of rows whose highest score is at the true label. scores: (N, C); y: (N,) ints."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


class Trainer:
    """Mini-batch training with a learning-rate schedule, optional gradient clipping and early stopping.

    loss(out, y) -> (loss, dout), e.g. ``reference.losses.softmax_cross_entropy``.
    metric(out, y) -> float, or None (its history entries are then NaN).
    schedule(lr0, epoch) -> lr, e.g. ``functools.partial(cosine_lr, t_max=epochs)``; epoch counts
    the epochs completed in this ``fit`` call; lr0 is the optimiser's rate when the Trainer is made.
    clip_norm: the global gradient norm is clipped to this value before every step.
    patience: stop once the validation loss has not improved for that many epochs (the rule of
    ``model_selection.early_stopping``) and, whenever validation data is given, end with the
    weights (and running statistics) of the best epoch.
    """

    def __init__(self, model, optimizer, *, rng, loss=softmax_cross_entropy, metric=accuracy, batch_size=64,
                 schedule=None, clip_norm=None, patience=None, min_delta=0.0):
        self.model, self.optimizer, self.rng = model, optimizer, rng
        self.loss, self.metric, self.batch_size = loss, metric, batch_size
        self.lr0, self.schedule, self.clip_norm = optimizer.lr, schedule, clip_norm
        self.patience, self.min_delta = patience, min_delta
        self.best_epoch = None

    def evaluate(self, x, y):
        """(loss, metric) of the model in eval mode on the whole of x."""
        out = self.model.forward(x, train=False)
        return self.loss(out, y)[0], self.metric(out, y) if self.metric else math.nan

    def train_step(self, xb, yb):
        out = self.model.forward(xb, train=True)
        loss, dout = self.loss(out, yb)
        self.model.backward(dout)
        grads = self.model.grads()
        if self.clip_norm is not None:
            clipped, _ = clip_grad_norm(list(grads.values()), self.clip_norm)
            grads = dict(zip(grads, clipped))
        self.optimizer.step(self.model, grads)
        return loss, self.metric(out, yb) if self.metric else math.nan

    def fit(self, x, y, *, epochs, x_val=None, y_val=None):
        """Train for at most ``epochs`` epochs; returns the history, one entry per epoch run:
        train_loss and train_acc (averaged over the epoch's mini-batches, in train mode, as Keras
        reports them), val_loss and val_acc (eval mode, NaN without validation data), lr."""
        has_val = x_val is not None
        if self.patience is not None and not has_val:
            raise ValueError("patience: early stopping needs x_val and y_val")
        history = {key: [] for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr")}
        n = x.shape[0]
        best_state = None
        for epoch in range(epochs):
            if self.schedule is not None:
                self.optimizer.lr = self.schedule(self.lr0, epoch)
            history["lr"].append(self.optimizer.lr)
            order = self.rng.permutation(n)
            loss_sum = metric_sum = 0.0
            for start in range(0, n, self.batch_size):
                batch = order[start:start + self.batch_size]
                loss, metric = self.train_step(x[batch], y[batch])
                loss_sum += loss * batch.shape[0]
                metric_sum += metric * batch.shape[0]
            history["train_loss"].append(loss_sum / n)
            history["train_acc"].append(metric_sum / n)
            val_loss, val_metric = self.evaluate(x_val, y_val) if has_val else (math.nan, math.nan)
            history["val_loss"].append(val_loss)
            history["val_acc"].append(val_metric)
            if has_val:
                stop, self.best_epoch = early_stopping(np.array(history["val_loss"]),
                                                       patience=self.patience or epochs + 1,
                                                       min_delta=self.min_delta)
                if self.best_epoch == epoch:
                    best_state = self.model.state_dict()
                if stop:
                    break
        if best_state is not None:
            self.model.load_state_dict(best_state)
        return history


def digits_demo(*, seed=0):
    """Train a 64-256-10 ReLU MLP (dropout 0.3, Adam, cosine schedule, 20 epochs of batches of 64)
    on the standardised 8x8 digits of ``digits_split(rng_seed=seed)``; return its test accuracy
    (0.97-0.99 for seeds 0-7) in under a second of training.

    BLAS runs single-threaded meanwhile (threadpoolctl, restored on exit): on matrices this small
    a second thread saves little, and when the other core is busy OpenBLAS's waiting threads
    made training 5-10 times slower in our measurements.
    """
    from threadpoolctl import threadpool_limits

    x_train, y_train, x_test, y_test = digits_split(rng_seed=seed)
    rng = np.random.default_rng(seed)
    epochs = 20
    model = mlp([64, 256, 10], dropout=0.3, rng=rng)
    trainer = Trainer(model, Optimizer("adam", lr=3e-3), rng=rng, batch_size=64,
                      schedule=functools.partial(cosine_lr, t_max=epochs))
    with threadpool_limits(limits=1, user_api="blas"):
        trainer.fit(x_train, y_train, epochs=epochs)
        return accuracy(model.forward(x_test, train=False), y_test)
