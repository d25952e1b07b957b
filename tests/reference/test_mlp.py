import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.gradcheck import gradient_check, numerical_gradient, rel_error
from reference.losses import softmax_cross_entropy
from reference.mlp import minibatches, mlp_backward, mlp_forward, sgd_epoch

TOL = 1e-7


def random_params(rng, sizes, scale=1.0):
    params = {}
    for layer, (m_in, m_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"w{layer}"] = scale * rng.standard_normal((m_in, m_out))
        params[f"b{layer}"] = scale * rng.standard_normal(m_out)
    return params


def keys(num_layers):
    return [f"{p}{layer}" for layer in range(1, num_layers + 1) for p in ("w", "b")]


def as_arrays_op(num_layers):
    """mlp_forward/mlp_backward as an op of positional arrays (x, w1, b1, ...), for gradient_check."""
    names = keys(num_layers)

    def forward(x, *arrays):
        return mlp_forward(x, dict(zip(names, arrays)))

    def backward(dscores, cache):
        grads = mlp_backward(dscores, cache)
        return tuple(grads[k] for k in names)

    return forward, backward


# --- mlp_forward / mlp_backward ---------------------------------------------------------------

SIZES = [[4, 3], [5, 7, 3], [3, 6, 5, 4], [2, 4, 4, 4, 2]]


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: f"L{len(s) - 1}")
@pytest.mark.parametrize("seed", range(3))
def test_every_parameter_gradient_matches_central_differences(sizes, seed):
    rng = np.random.default_rng(seed)
    params = random_params(rng, sizes)
    x = rng.standard_normal((4, sizes[0]))
    forward, backward = as_arrays_op(len(sizes) - 1)
    args = [x, *params.values()]
    errors = gradient_check(forward, backward, args, wrt=list(range(1, len(args))), rng=rng)
    assert max(errors.values()) <= TOL, errors


def test_known_values_of_a_two_layer_network():
    # Worked by hand: z1 = [2, 1.5, -0.5], h1 = [2, 1.5, 0], scores = [-0.5, 0.5];
    # with dscores = [1, -1]: dh1 = dscores w2^T = [1, -3, 2], masked by h1 > 0 -> [1, -3, 0].
    x = np.array([[1.0, 2.0]])
    params = {"w1": np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]]), "b1": np.array([0.0, 0.5, 1.0]),
              "w2": np.array([[1.0, 0.0], [-2.0, 1.0], [3.0, 1.0]]), "b2": np.array([0.5, -1.0])}
    scores, cache = mlp_forward(x, params)
    np.testing.assert_allclose(scores, [[-0.5, 0.5]], rtol=0, atol=1e-15)
    grads = mlp_backward(np.array([[1.0, -1.0]]), cache)
    assert list(grads) == ["w1", "b1", "w2", "b2"]
    np.testing.assert_allclose(grads["w2"], [[2.0, -2.0], [1.5, -1.5], [0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(grads["b2"], [1.0, -1.0], atol=1e-15)
    np.testing.assert_allclose(grads["w1"], [[1.0, -3.0, 0.0], [2.0, -6.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(grads["b1"], [1.0, -3.0, 0.0], atol=1e-15)


def test_cache_is_the_documented_list_of_layer_inputs_and_weights():
    rng = np.random.default_rng(3)
    params = random_params(rng, [3, 5, 4, 2])
    x = rng.standard_normal((6, 3))
    scores, cache = mlp_forward(x, params)
    assert isinstance(cache, list) and len(cache) == 3
    h = x
    for layer, (h_prev, w) in enumerate(cache, start=1):
        np.testing.assert_array_equal(h_prev, h)
        np.testing.assert_array_equal(w, params[f"w{layer}"])
        h = np.maximum(h @ w + params[f"b{layer}"], 0.0)
    np.testing.assert_allclose(scores, cache[2][0] @ params["w3"] + params["b3"], rtol=1e-14)


def test_one_layer_is_a_linear_map():
    rng = np.random.default_rng(4)
    params = random_params(rng, [5, 3])
    x = rng.standard_normal((7, 5))
    scores, cache = mlp_forward(x, params)
    np.testing.assert_allclose(scores, x @ params["w1"] + params["b1"], rtol=1e-14)
    dscores = rng.standard_normal((7, 3))
    grads = mlp_backward(dscores, cache)
    np.testing.assert_allclose(grads["w1"], x.T @ dscores, rtol=1e-14)
    np.testing.assert_allclose(grads["b1"], dscores.sum(axis=0), rtol=1e-14)


def test_negative_scores_are_not_clipped():
    # no ReLU on the last layer: scores may be negative
    params = {"w1": np.eye(2), "b1": np.zeros(2), "w2": -np.eye(2), "b2": np.zeros(2)}
    scores, _ = mlp_forward(np.array([[1.0, 2.0]]), params)
    np.testing.assert_array_equal(scores, [[-1.0, -2.0]])


def test_units_exactly_at_zero_pass_no_gradient():
    # x has a zero row and b1 zero entries, so z1 = 0 exactly there: relu'(0) = 0 (PyTorch)
    rng = np.random.default_rng(5)
    params = random_params(rng, [3, 4, 2])
    params["b1"] = np.array([0.0, 0.0, 1.0, -1.0])
    x = np.vstack([np.zeros(3), rng.standard_normal(3)])
    _, cache = mlp_forward(x, params)
    grads = mlp_backward(np.ones((2, 2)), cache)
    row1 = mlp_backward(np.ones((1, 2)), mlp_forward(x[1:], params)[1])
    # the zero row contributes only through unit 3 (z = 1 > 0), and to no weight of w1
    np.testing.assert_allclose(grads["w1"], row1["w1"], rtol=1e-14)
    expected_b1 = row1["b1"] + np.array([0.0, 0.0, 1.0, 0.0]) * (np.ones(2) @ params["w2"].T)
    np.testing.assert_allclose(grads["b1"], expected_b1, rtol=1e-14)


def test_forward_and_backward_do_not_mutate_and_keep_float64():
    rng = np.random.default_rng(6)
    params = random_params(rng, [3, 4, 2])
    x = rng.standard_normal((5, 3))
    saved = {k: v.copy() for k, v in params.items()}
    x0 = x.copy()
    scores, cache = mlp_forward(x, params)
    dscores = rng.standard_normal(scores.shape)
    d0 = dscores.copy()
    grads = mlp_backward(dscores, cache)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dscores, d0)
    assert all(np.array_equal(params[k], saved[k]) for k in saved) and list(params) == list(saved)
    assert scores.dtype == np.float64 and all(g.dtype == np.float64 for g in grads.values())
    assert all(grads[k].shape == params[k].shape for k in params)


def test_forward_rejects_a_batch_that_is_not_a_matrix():
    params = random_params(np.random.default_rng(7), [3, 2])
    with pytest.raises(ValueError, match=r"x: expected shape \(N, D\), got shape \(3,\)"):
        mlp_forward(np.ones(3), params)


# --- minibatches -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_batches_cover_every_index_once_with_the_documented_sizes(n, batch_size, seed):
    batches = minibatches(n, batch_size, rng=np.random.default_rng(seed))
    assert isinstance(batches, list) and len(batches) == math.ceil(n / batch_size)
    sizes = [b.shape[0] for b in batches]
    assert sizes[:-1] == [batch_size] * (len(batches) - 1)
    assert sizes[-1] == n - batch_size * (len(batches) - 1)
    assert all(np.issubdtype(b.dtype, np.integer) for b in batches)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_batches_are_one_permutation_cut_in_order_and_draw_nothing_else():
    rng, twin = np.random.default_rng(8), np.random.default_rng(8)
    batches = minibatches(10, 4, rng=rng)
    p = twin.permutation(10)
    assert [b.tolist() for b in batches] == [p[:4].tolist(), p[4:8].tolist(), p[8:].tolist()]
    assert rng.bit_generator.state == twin.bit_generator.state


def test_a_batch_size_of_at_least_n_gives_one_batch():
    (only,) = minibatches(5, 9, rng=np.random.default_rng(9))
    assert sorted(only.tolist()) == [0, 1, 2, 3, 4]


def test_minibatches_rejects_a_zero_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(5, 0, rng=np.random.default_rng(0))


# --- sgd_epoch -------------------------------------------------------------------------------

def data(rng, n, d, c):
    return rng.standard_normal((n, d)), rng.integers(0, c, size=n)


def full_loss(params, x, y):
    return softmax_cross_entropy(mlp_forward(x, params)[0], y)[0]


def numeric_step(params, x, y, lr):
    """p - lr dL/dp with dL/dp by central differences: independent of mlp_backward."""
    new = {}
    for key, value in params.items():
        def loss_of(v, key=key):
            return full_loss({**params, key: v}, x, y)
        new[key] = value - lr * numerical_gradient(loss_of, value)
    return new


def test_zero_weights_full_batch_step_known_values():
    # scores = 0, softmax = 1/C: loss = log C and dscores = (1/C - onehot) / N
    rng = np.random.default_rng(10)
    x, y = data(rng, 4, 2, 3)
    params = {"w1": np.zeros((2, 3)), "b1": np.zeros(3)}
    new, loss = sgd_epoch(params, x, y, lr=0.5, batch_size=4, rng=np.random.default_rng(0))
    onehot = np.eye(3)[y]
    assert loss == pytest.approx(math.log(3), rel=1e-14)
    np.testing.assert_allclose(new["w1"], -0.5 * x.T @ (1 / 3 - onehot) / 4, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(new["b1"], -0.5 * (1 / 3 - onehot).mean(axis=0), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("batch_size", [1, 3, 4, 7])
def test_with_lr_zero_the_mean_loss_is_the_full_data_loss(batch_size):
    # weighting each batch mean by its size makes the epoch mean the plain mean over examples
    rng = np.random.default_rng(11)
    x, y = data(rng, 7, 3, 4)
    params = random_params(rng, [3, 5, 4])
    new, loss = sgd_epoch(params, x, y, lr=0.0, batch_size=batch_size, rng=rng)
    assert loss == pytest.approx(full_loss(params, x, y), rel=1e-12)
    assert all(np.array_equal(new[k], params[k]) for k in params)


@pytest.mark.parametrize("seed", range(3))
def test_batch_steps_follow_central_difference_gradients(seed):
    rng = np.random.default_rng(seed)
    x, y = data(rng, 7, 3, 3)
    params = random_params(rng, [3, 4, 3])
    new, loss = sgd_epoch(params, x, y, lr=0.3, batch_size=3, rng=np.random.default_rng(seed))
    expected, losses = dict(params), []
    for batch in minibatches(7, 3, rng=np.random.default_rng(seed)):
        losses.append(full_loss(expected, x[batch], y[batch]) * batch.shape[0])
        expected = numeric_step(expected, x[batch], y[batch], 0.3)
    assert list(new) == list(params)
    for key in params:
        assert rel_error(new[key], expected[key]) <= TOL, key
    assert loss == pytest.approx(sum(losses) / 7, rel=TOL)  # the numeric steps drift by ~1e-9


def test_sgd_epoch_is_pure_and_deterministic():
    rng = np.random.default_rng(12)
    x, y = data(rng, 9, 3, 3)
    params = random_params(rng, [3, 4, 3])
    saved = {k: v.copy() for k, v in params.items()}
    x0, y0 = x.copy(), y.copy()
    a, loss_a = sgd_epoch(params, x, y, lr=0.1, batch_size=4, rng=np.random.default_rng(5))
    b, loss_b = sgd_epoch(params, x, y, lr=0.1, batch_size=4, rng=np.random.default_rng(5))
    assert loss_a == loss_b and isinstance(loss_a, float)
    assert all(np.array_equal(a[k], b[k]) and a[k].dtype == np.float64 for k in a)
    assert all(np.array_equal(params[k], saved[k]) for k in saved)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    assert all(a[k] is not params[k] for k in params)


def test_sgd_epoch_is_stable_for_huge_scores():
    x = np.array([[1000.0], [-1000.0]])
    params = {"w1": np.array([[1.0, -1.0]]), "b1": np.zeros(2)}
    new, loss = sgd_epoch(params, x, np.array([0, 0]), lr=0.0, batch_size=2, rng=np.random.default_rng(0))
    assert loss == pytest.approx(1000.0, rel=1e-12)  # (0 + 2000) / 2
    assert all(np.isfinite(v).all() for v in new.values())


def test_sgd_epoch_rejects_labels_of_another_length():
    params = random_params(np.random.default_rng(13), [3, 2])
    with pytest.raises(ValueError, match=r"y: expected shape \(N,\) with N=4, got shape \(3,\)"):
        sgd_epoch(params, np.ones((4, 3)), np.zeros(3, dtype=int), lr=0.1, batch_size=2, rng=np.random.default_rng(0))
