"""Hidden tests of mlp_forward and mlp_backward.

The backward gets the cache that the student's own forward returned (passed back untouched);
each parameter's gradient is scored by its own test. Only when the student's forward fails does
the backward get the cache layout the docstring documents, [(h_0, w_1), ..., (h_{L-1}, w_L)], so
that a forward bug is not charged twice.
"""

import numpy as np
import pytest

from grader.worker.errors import StudentError

# (layer sizes D, M_1, ..., M_L; batch N): one layer (a linear map), two and three layers, square
# layers (where only the values tell dw from dw^T), a batch of 1
NETS = [([4, 3], 5), ([5, 7, 3], 6), ([3, 6, 5, 4], 4), ([4, 4, 4], 3), ([6, 8, 2], 1)]
NET_IDS = ["L1", "L2", "L3", "L2-square", "L2-N1"]


def keys(num_layers):
    return [f"{p}{layer}" for layer in range(1, num_layers + 1) for p in ("w", "b")]


def network(rng, sizes, n):
    params = {}
    for layer, (m_in, m_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"w{layer}"] = rng.standard_normal((m_in, m_out)) / np.sqrt(m_in)
        params[f"b{layer}"] = 0.5 * rng.standard_normal(m_out)
    return rng.standard_normal((n, sizes[0])), params


def forward_variant(x, params, *, relu_last=False, bias=True):
    num_layers = len(params) // 2
    h = x
    for layer in range(1, num_layers + 1):
        z = h @ params[f"w{layer}"] + (params[f"b{layer}"] if bias else 0.0)
        h = np.maximum(z, 0.0) if layer < num_layers or relu_last else z
    return h


@pytest.mark.task03_mlp_forward
@pytest.mark.parametrize("sizes,n", NETS, ids=NET_IDS)
@pytest.mark.contract("domain_edge")
def test_mlp_forward_scores(student, pair, ref, rng, expect, sizes, n):
    """scores of an L-layer ReLU network (no ReLU on the last layer)"""
    x, params = network(rng, sizes, n)
    scores, _ = pair(student.mlp_forward(x, params), "mlp_forward")
    variants = {
        "no bias was added": forward_variant(x, params, bias=False),
        "a ReLU was applied to the scores too: the last layer must stay linear (scores can be negative)":
            forward_variant(x, params, relu_last=True),
    }
    if len(sizes) > 2:
        linear = x
        for layer in range(1, len(sizes)):
            linear = linear @ params[f"w{layer}"] + params[f"b{layer}"]
        variants["no ReLU between the layers"] = linear
    expect(scores, ref.mlp_forward(x, params)[0], name="scores", variants=variants)


@pytest.mark.task03_mlp_forward
@pytest.mark.weight(0.5)
def test_mlp_forward_negative_scores_survive(student, pair, expect):
    """An output layer with negative weights gives negative scores"""
    params = {"w1": np.eye(2), "b1": np.zeros(2), "w2": -np.eye(2), "b2": np.array([0.0, -1.0])}
    scores, _ = pair(student.mlp_forward(np.array([[1.0, 2.0], [3.0, -4.0]]), params), "mlp_forward")
    expect(scores, np.array([[-1.0, -3.0], [-3.0, -1.0]]), name="scores", variants={
        "a ReLU was applied to the scores: the last layer must stay linear": np.zeros((2, 2))})


def backward_case(student, pair, ref, x, params, dscores):
    try:
        _, cache = pair(student.mlp_forward(x, params), "mlp_forward")
    except (StudentError, AssertionError):
        cache = ref.mlp_forward(x, params)[1]  # the documented layout, plain data
    grads = student.mlp_backward(dscores, cache)
    assert isinstance(grads, dict), (
        "mlp_backward should return a dict of gradients with the keys of params; got " + type(grads).__name__)
    return grads


def present(grads, key, params):
    assert key in grads, (
        f"the gradients have no key {key!r}: expected the keys of params, {sorted(params)}, got {sorted(grads)}")
    return grads[key]


def backward_variants(x, params, dscores, key):
    """Known wrong gradients for one parameter: no ReLU mask, mask at z >= 0, averaged over the batch."""
    num_layers = len(params) // 2
    hs, zs = [x], []
    for layer in range(1, num_layers + 1):
        zs.append(hs[-1] @ params[f"w{layer}"] + params[f"b{layer}"])
        hs.append(np.maximum(zs[-1], 0.0))

    def run(mask):
        grads, dz = {}, dscores
        for layer in range(num_layers, 0, -1):
            grads[f"w{layer}"] = hs[layer - 1].T @ dz
            grads[f"b{layer}"] = dz.sum(axis=0)
            if layer > 1:
                dz = (dz @ params[f"w{layer}"].T) * mask(zs[layer - 2])
        return grads

    n = x.shape[0]
    right = run(lambda z: z > 0)[key]
    wrong = {}
    if int(key[1:]) < num_layers:  # the ReLU masks act below the last layer only
        wrong["the ReLU mask is missing: the gradient flows through units that were off (multiply by h_{l-1} > 0)"] = (
            run(lambda z: np.ones_like(z))[key])
        wrong["the ReLU passed gradient at z = 0 exactly: the mask is z > 0, not z >= 0"] = run(lambda z: z >= 0)[key]
    if n > 1:
        wrong["averaged over the batch (the 1/N is already inside dscores): sum over the rows"] = right / n
    if key.startswith("w") and params[key].shape[0] == params[key].shape[1]:
        wrong["transposed: dw = dz^T h_prev; it must be h_prev^T dz, the shape of w"] = right.T
    return {k: v for k, v in wrong.items() if not np.allclose(v, right)}


BACKWARD_CASES = [(sizes, n, key) for sizes, n in NETS for key in keys(len(sizes) - 1)]
BACKWARD_IDS = [f"{net_id}-d{key}" for (sizes, n), net_id in zip(NETS, NET_IDS) for key in keys(len(sizes) - 1)]


@pytest.mark.task03_mlp_backward
@pytest.mark.parametrize("sizes,n,key", BACKWARD_CASES, ids=BACKWARD_IDS)
def test_mlp_backward_gradient(student, pair, ref, rng, expect, sizes, n, key):
    """One parameter's gradient, from the student's own forward cache"""
    x, params = network(rng, sizes, n)
    dscores = rng.standard_normal((n, sizes[-1]))
    grads = backward_case(student, pair, ref, x, params, dscores)
    expected = ref.mlp_backward(dscores, ref.mlp_forward(x, params)[1])
    expect(present(grads, key, params), expected[key], name=f"d{key}", kind="gradients",
           variants=backward_variants(x, params, dscores, key))


@pytest.mark.task03_mlp_backward
@pytest.mark.parametrize("key", ["w1", "b1"])
@pytest.mark.contract("domain_edge")
def test_mlp_backward_units_exactly_at_zero(student, pair, ref, rng, expect, key):
    """A unit whose pre-activation is exactly 0 passes no gradient (relu'(0) = 0)"""
    x, params = network(rng, [3, 5, 2], 4)
    # row 0 of x and columns 0 and 1 of w1 cancel exactly: z1 = 1.5 - 1.5 + 0 + 0 = 0 there
    x[0] = [1.5, 1.5, 0.0]
    params["w1"][:2, 0] = [1.0, -1.0]
    params["w1"][:2, 1] = [0.25, -0.25]
    params["b1"][:2] = 0.0
    dscores = rng.standard_normal((4, 2))
    grads = backward_case(student, pair, ref, x, params, dscores)
    expected = ref.mlp_backward(dscores, ref.mlp_forward(x, params)[1])
    expect(present(grads, key, params), expected[key], name=f"d{key}", kind="gradients",
           variants=backward_variants(x, params, dscores, key))


@pytest.mark.task03_mlp_backward
@pytest.mark.weight(0.5)
def test_mlp_backward_returns_exactly_the_parameter_keys(student, pair, ref, rng, expect):
    """The gradients dict has the keys of params, each gradient of its parameter's shape and values"""
    x, params = network(rng, [3, 4, 4, 2], 2)
    dscores = rng.standard_normal((2, 2))
    grads = backward_case(student, pair, ref, x, params, dscores)
    assert sorted(grads) == sorted(params), (
        f"the gradients should have exactly the keys of params, {sorted(params)}; got {sorted(grads)}")
    for key, value in params.items():
        shape = np.shape(grads[key])
        assert shape == value.shape, f"d{key} should have the shape of {key}, {value.shape}; got {shape}"
    # The same weight group checks the values: zeros of the right shapes earn nothing here.
    expected = ref.mlp_backward(dscores, ref.mlp_forward(x, params)[1])
    for key in params:
        expect(grads[key], expected[key], name=f"d{key}", kind="gradients",
               variants=backward_variants(x, params, dscores, key))
