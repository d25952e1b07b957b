import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.gradcheck import gradient_check
from reference.layers import (
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_running_stats,
    layernorm_backward,
    layernorm_forward,
)

SEEDS = range(5)


def _random_bn_args(rng, n=None, d=None):
    n = int(rng.integers(2, 6)) if n is None else n
    d = int(rng.integers(1, 5)) if d is None else d
    x = rng.normal(rng.uniform(-2, 2, d), rng.uniform(0.5, 3, d), size=(n, d))
    return x, rng.standard_normal(d), rng.standard_normal(d), rng.standard_normal(d), rng.uniform(0.5, 2, d)


# ---------------------------------------------------------------- batchnorm

def test_batchnorm_known_values():
    # column 0: mean 2, biased var 1; column 1: mean 2, biased var 4 -> x_hat = [-1, 1] in both
    x = np.array([[1.0, 0.0], [3.0, 4.0]])
    gamma, beta = np.array([2.0, 3.0]), np.array([1.0, -1.0])
    out, _ = batchnorm_forward(x, gamma, beta, eps=0.0)
    np.testing.assert_allclose(out, [[-1.0, -4.0], [3.0, 2.0]], rtol=1e-15)
    out, _ = batchnorm_forward(x, gamma, beta, np.array([1.0, 2.0]), np.array([4.0, 16.0]), train=False, eps=0.0)
    np.testing.assert_allclose(out, [[1.0, -2.5], [3.0, 0.5]], rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 8), d=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_batchnorm_train_output_is_standardised(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-1e3, 1e3, d), rng.uniform(1.0, 10.0, d), size=(n, d))
    out, _ = batchnorm_forward(x, np.ones(d), np.zeros(d))
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-10)
    var = x.var(axis=0)
    # the biased variance of out is var / (var + eps), not exactly 1
    np.testing.assert_allclose(out.var(axis=0), var / (var + 1e-5), rtol=1e-10)
    exact, _ = batchnorm_forward(x, np.ones(d), np.zeros(d), eps=0.0)
    np.testing.assert_allclose(exact.var(axis=0), 1.0, rtol=1e-10)


def test_batchnorm_affine_and_eval_formula(rng):
    x, gamma, beta, rm, rv = _random_bn_args(rng, n=6, d=3)
    out, _ = batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(gamma), rtol=1e-3)
    out_eval, _ = batchnorm_forward(x, gamma, beta, rm, rv, train=False)
    np.testing.assert_allclose(out_eval, gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta, rtol=1e-13)
    assert not np.allclose(out_eval, out)
    # eval mode: a row's output does not depend on the rest of the batch
    first, _ = batchnorm_forward(x[:1], gamma, beta, rm, rv, train=False)
    np.testing.assert_array_equal(first, out_eval[:1])


def test_batchnorm_train_ignores_running_stats(rng):
    x, gamma, beta, rm, rv = _random_bn_args(rng)
    with_stats, _ = batchnorm_forward(x, gamma, beta, rm, rv)
    without, _ = batchnorm_forward(x, gamma, beta)
    np.testing.assert_array_equal(with_stats, without)


def test_batchnorm_eval_needs_running_stats(rng):
    x, gamma, beta, rm, rv = _random_bn_args(rng)
    with pytest.raises(ValueError, match="running_mean: required when train=False"):
        batchnorm_forward(x, gamma, beta, train=False)
    with pytest.raises(ValueError, match="running_var: required when train=False"):
        batchnorm_forward(x, gamma, beta, rm, train=False)


def test_running_stats_known_values():
    x = np.array([[1.0], [3.0], [5.0]])  # mean 3, unbiased var (4 + 0 + 4) / 2 = 4
    new_mean, new_var = batchnorm_running_stats(x, np.array([0.0]), np.array([1.0]))
    np.testing.assert_allclose(new_mean, [0.3], rtol=1e-15)
    np.testing.assert_allclose(new_var, [0.9 + 0.4], rtol=1e-15)
    new_mean, new_var = batchnorm_running_stats(x, np.array([1.0]), np.array([1.0]), momentum=0.5)
    np.testing.assert_allclose(new_mean, [2.0], rtol=1e-15)
    np.testing.assert_allclose(new_var, [2.5], rtol=1e-15)


@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_running_stats_follow_the_momentum_rule_over_steps(rng, momentum):
    x, _, _, rm0, rv0 = _random_bn_args(rng, n=5, d=3)
    rm, rv = rm0, rv0
    steps = 7
    for _ in range(steps):
        rm, rv = batchnorm_running_stats(x, rm, rv, momentum=momentum)
    # the same batch every step: geometric blend towards the batch statistics
    keep = (1 - momentum) ** steps
    np.testing.assert_allclose(rm, keep * rm0 + (1 - keep) * x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(rv, keep * rv0 + (1 - keep) * x.var(axis=0, ddof=1), rtol=1e-12)


def test_running_stats_pure_and_checked(rng):
    x, _, _, rm, rv = _random_bn_args(rng)
    before = x.copy(), rm.copy(), rv.copy()
    new_mean, new_var = batchnorm_running_stats(x, rm, rv)
    for a, a0 in zip((x, rm, rv), before):
        np.testing.assert_array_equal(a, a0)
    assert not np.shares_memory(new_mean, rm) and not np.shares_memory(new_var, rv)
    assert new_mean.dtype == new_var.dtype == np.float64
    with pytest.raises(ValueError, match=r"x: expected at least 2 samples .* got shape \(1, 3\)"):
        batchnorm_running_stats(np.ones((1, 3)), np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match=r"running_var: expected shape \(D,\) with D=3, got shape \(2,\)"):
        batchnorm_running_stats(np.ones((4, 3)), np.zeros(3), np.ones(2))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_gradients(seed, train):
    rng = np.random.default_rng(seed)
    x, gamma, beta, rm, rv = _random_bn_args(rng)
    errors = gradient_check(batchnorm_forward, batchnorm_backward, [x, gamma, beta, rm, rv],
                            wrt=[0, 1, 2], kwargs={"train": train}, rng=rng)
    assert max(errors.values()) <= 1e-7, errors


def test_batchnorm_eval_backward_is_the_affine_gradient(rng):
    x, gamma, beta, rm, rv = _random_bn_args(rng)
    _, cache = batchnorm_forward(x, gamma, beta, rm, rv, train=False)
    dout = rng.standard_normal(x.shape)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    np.testing.assert_allclose(dx, dout * gamma / np.sqrt(rv + 1e-5), rtol=1e-13)
    np.testing.assert_allclose(dgamma, (dout * (x - rm) / np.sqrt(rv + 1e-5)).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(dbeta, dout.sum(axis=0), rtol=1e-13)


def test_batchnorm_train_dx_sums_to_zero_per_feature(rng):
    # out is invariant to adding a constant to a feature column, so dx is orthogonal to that shift
    x, gamma, beta, _, _ = _random_bn_args(rng, n=7, d=4)
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, _, _ = batchnorm_backward(rng.standard_normal(x.shape), cache)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)


def test_batchnorm_large_inputs_are_stable(rng):
    x = 1e3 * rng.standard_normal((6, 3)) + 1e3
    d = x.shape[1]
    out, cache = batchnorm_forward(x, np.ones(d), np.zeros(d))
    dx, _, _ = batchnorm_backward(rng.standard_normal(x.shape), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))
    const, _ = batchnorm_forward(np.full((4, 2), 1e3), np.ones(2), np.zeros(2))
    np.testing.assert_array_equal(const, 0.0)


def test_batchnorm_pure_and_float64(rng):
    args = _random_bn_args(rng)
    dout = rng.standard_normal(args[0].shape)
    before = [a.copy() for a in (*args, dout)]
    for train in (True, False):
        out, cache = batchnorm_forward(*args, train=train)
        grads = batchnorm_backward(dout, cache)
        for g in (out, *grads):
            assert g.dtype == np.float64
            assert not any(np.shares_memory(g, a) for a in (*args, dout))
    for a, a0 in zip((*args, dout), before):
        np.testing.assert_array_equal(a, a0)


def test_batchnorm_rejects_bad_shapes(rng):
    x, gamma, beta, rm, rv = _random_bn_args(rng, n=4, d=3)
    with pytest.raises(ValueError, match=r"gamma: expected shape \(D,\) with D=3, got shape \(2,\)"):
        batchnorm_forward(x, gamma[:2], beta)
    with pytest.raises(ValueError, match=r"running_mean: expected shape \(D,\), got shape \(3, 1\)"):
        batchnorm_forward(x, gamma, beta, rm[:, None], rv, train=False)
    with pytest.raises(ValueError, match=r"x: expected shape \(N, D\), got shape \(4, 3, 1\)"):
        batchnorm_forward(x[..., None], gamma, beta)


# ---------------------------------------------------------------- layernorm

def test_layernorm_known_values():
    # row 0: mean 2, biased var 1; row 1: mean 2, biased var 4 -> x_hat = [-1, 1] in both
    x = np.array([[1.0, 3.0], [0.0, 4.0]])
    out, _ = layernorm_forward(x, np.array([2.0, 3.0]), np.array([1.0, -1.0]), eps=0.0)
    np.testing.assert_allclose(out, [[-1.0, 2.0], [-1.0, 2.0]], rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(2, 8), seed=st.integers(0, 2**16))
def test_layernorm_rows_are_standardised_and_match_batchnorm_transposed(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-1e3, 1e3, (n, 1)), rng.uniform(1.0, 10.0, (n, 1)), size=(n, d))
    out, _ = layernorm_forward(x, np.ones(d), np.zeros(d))
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-10)
    var = x.var(axis=1)
    np.testing.assert_allclose(out.var(axis=1), var / (var + 1e-5), rtol=1e-10)
    exact, _ = layernorm_forward(x, np.ones(d), np.zeros(d), eps=0.0)
    np.testing.assert_allclose(exact.var(axis=1), 1.0, rtol=1e-10)
    # layer norm of x is batch norm of x^T (features <-> samples) when gamma = 1, beta = 0
    bn, _ = batchnorm_forward(x.T, np.ones(n), np.zeros(n))
    np.testing.assert_allclose(out, bn.T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_layernorm_gradients(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(1, 5)), int(rng.integers(2, 6))
    x = rng.normal(rng.uniform(-2, 2, (n, 1)), rng.uniform(0.5, 3, (n, 1)), size=(n, d))
    gamma, beta = rng.standard_normal(d), rng.standard_normal(d)
    errors = gradient_check(layernorm_forward, layernorm_backward, [x, gamma, beta], rng=rng)
    assert max(errors.values()) <= 1e-7, errors


def test_layernorm_dx_sums_to_zero_per_row(rng):
    x = rng.standard_normal((4, 6))
    _, cache = layernorm_forward(x, rng.standard_normal(6), rng.standard_normal(6))
    dx, _, _ = layernorm_backward(rng.standard_normal(x.shape), cache)
    np.testing.assert_allclose(dx.sum(axis=1), 0.0, atol=1e-12)


def test_layernorm_pure_float64_and_shapes(rng):
    x, gamma, beta, dout = (rng.standard_normal(s) for s in ((3, 5), 5, 5, (3, 5)))
    before = [a.copy() for a in (x, gamma, beta, dout)]
    out, cache = layernorm_forward(x, gamma, beta)
    grads = layernorm_backward(dout, cache)
    for g in (out, *grads):
        assert g.dtype == np.float64
        assert not any(np.shares_memory(g, a) for a in (x, gamma, beta, dout))
    for a, a0 in zip((x, gamma, beta, dout), before):
        np.testing.assert_array_equal(a, a0)
    with pytest.raises(ValueError, match=r"beta: expected shape \(D,\) with D=5, got shape \(3,\)"):
        layernorm_forward(x, gamma, beta[:3])
    with pytest.raises(ValueError, match=r"x: expected shape \(N, D\), got shape \(5,\)"):
        layernorm_forward(x[0], gamma, beta)
