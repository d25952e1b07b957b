import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.gradcheck import gradient_check
from reference.layers import dropout_backward, dropout_forward, linear_backward, linear_forward

SEEDS = range(5)


# ---------------------------------------------------------------- linear

def test_linear_known_values():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, 0.0, -1.0])
    out, cache = linear_forward(x, w, b)
    np.testing.assert_allclose(out, [[5.5, 2.0, -2.0], [11.5, 4.0, -4.0]])
    dx, dw, db = linear_backward(np.ones((2, 3)), cache)
    # all-ones dout: dx_n = row sums of w, dw_dm = column sums of x, db = N
    np.testing.assert_allclose(dx, [[0.0, 3.0], [0.0, 3.0]])
    np.testing.assert_allclose(dw, [[4.0, 4.0, 4.0], [6.0, 6.0, 6.0]])
    np.testing.assert_allclose(db, [2.0, 2.0, 2.0])


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3), dims=st.lists(st.integers(1, 3), min_size=1, max_size=3), m=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_linear_flattens_trailing_dims(n, dims, m, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, *dims))
    d = int(np.prod(dims))
    w, b = rng.standard_normal((d, m)), rng.standard_normal(m)
    out, cache = linear_forward(x, w, b)
    flat_out, _ = linear_forward(x.reshape(n, d), w, b)
    np.testing.assert_array_equal(out, flat_out)
    expected = np.array([[sum(x.reshape(n, d)[i, k] * w[k, j] for k in range(d)) + b[j] for j in range(m)]
                         for i in range(n)])
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    dx, dw, db = linear_backward(rng.standard_normal((n, m)), cache)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trailing", [1, 3])
def test_linear_gradients(seed, trailing):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 5), rng.integers(1, 5)
    dims = tuple(rng.integers(1, 4, size=trailing))
    x = rng.standard_normal((n, *dims))
    w = rng.standard_normal((int(np.prod(dims)), m))
    b = rng.standard_normal(m)
    errors = gradient_check(linear_forward, linear_backward, [x, w, b], rng=rng)
    assert set(errors) == {0, 1, 2}
    assert max(errors.values()) <= 1e-7, errors


def test_linear_pure_and_float64(rng):
    x, w, b = rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((3, 5))
    before = [a.copy() for a in (x, w, b, dout)]
    out, cache = linear_forward(x, w, b)
    grads = linear_backward(dout, cache)
    for a, a0 in zip((x, w, b, dout), before):
        np.testing.assert_array_equal(a, a0)
    for g in (out, *grads):
        assert g.dtype == np.float64
        assert not any(np.shares_memory(g, a) for a in (x, w, b, dout))


def test_linear_rejects_bad_shapes(rng):
    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    with pytest.raises(ValueError, match=r"b: expected shape \(M,\) with M=5, got shape \(4,\)"):
        linear_forward(x, w, rng.standard_normal(4))
    with pytest.raises(ValueError, match=r"w: expected shape \(\*, M\), got shape \(4,\)"):
        linear_forward(x, rng.standard_normal(4), b)
    with pytest.raises(ValueError, match=r"x: expected shape \(N, \.\.\.\), got shape \(\)"):
        linear_forward(np.float64(1.0), w, b)
    # D = prod(x.shape[1:]) cannot be written as a @shapes spec; numpy's matmul still refuses
    with pytest.raises(ValueError):
        linear_forward(rng.standard_normal((3, 2, 3)), w, b)


# ---------------------------------------------------------------- dropout

@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan")])
def test_dropout_rejects_bad_p(p, rng):
    with pytest.raises(ValueError, match=r"p: expected a drop probability in \[0, 1\)"):
        dropout_forward(np.ones(3), p, rng=rng)


def test_dropout_requires_rng_in_train_mode():
    with pytest.raises(ValueError, match="rng"):
        dropout_forward(np.ones(3), 0.5)
    out, _ = dropout_forward(np.ones(3), 0.5, train=False)
    np.testing.assert_array_equal(out, np.ones(3))


def test_dropout_uses_exactly_the_documented_draw():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    out, mask = dropout_forward(x, 0.4, rng=np.random.default_rng(7))
    u = np.random.default_rng(7).random((3, 4))
    expected_mask = np.where(u >= 0.4, 1 / 0.6, 0.0)
    np.testing.assert_allclose(mask, expected_mask, rtol=1e-15)
    np.testing.assert_allclose(out, x * expected_mask, rtol=1e-15)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), p=st.floats(0.0, 0.99),
       seed=st.integers(0, 2**16))
def test_dropout_eval_is_identity_and_draws_nothing(shape, p, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    state = rng.bit_generator.state
    out, cache = dropout_forward(x, p, train=False, rng=rng)
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(out, x)
    assert not np.shares_memory(out, x)
    dout = rng.standard_normal(shape)
    np.testing.assert_array_equal(dropout_backward(dout, cache), dout)


def test_dropout_p_zero_is_identity_in_train_mode(rng):
    x = rng.standard_normal((4, 3))
    state = rng.bit_generator.state
    out, _ = dropout_forward(x, 0.0, rng=rng)
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(out, x)
    assert not np.shares_memory(out, x)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_drops_about_p_and_scales_survivors(p):
    n = 100_000
    x = np.random.default_rng(1).standard_normal(n) + 3.0
    out, _ = dropout_forward(x, p, rng=np.random.default_rng(2))
    dropped = out == 0
    # binomial fraction: standard deviation sqrt(p(1-p)/n) <= 0.0016; 6 sigma
    assert abs(dropped.mean() - p) < 6 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(out[~dropped], x[~dropped] / (1 - p), rtol=1e-15)


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropout_keeps_the_expectation(p):
    samples, d = 4000, 30
    x = np.random.default_rng(3).standard_normal(d)
    out, _ = dropout_forward(np.tile(x, (samples, 1)), p, rng=np.random.default_rng(4))
    # each out entry is x * B / (1-p), B ~ Bernoulli(1-p): sd of the column mean is |x| sqrt(p / ((1-p) samples))
    sd = np.abs(x) * np.sqrt(p / ((1 - p) * samples))
    assert np.all(np.abs(out.mean(axis=0) - x) < 6 * sd + 1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_gradient(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(tuple(rng.integers(1, 5, size=2)))
    p = float(rng.uniform(0.1, 0.9))

    def forward(x):
        return dropout_forward(x, p, rng=np.random.default_rng(100 + seed))

    errors = gradient_check(forward, dropout_backward, [x], rng=rng)
    assert errors[0] <= 1e-7, errors


def test_dropout_backward_routes_through_the_mask(rng):
    x = rng.standard_normal((50, 4))
    out, cache = dropout_forward(x, 0.5, rng=rng)
    dout = rng.standard_normal(x.shape)
    dx = dropout_backward(dout, cache)
    np.testing.assert_array_equal(dx[out == 0], 0.0)
    np.testing.assert_allclose(dx[out != 0], 2.0 * dout[out != 0], rtol=1e-15)


def test_dropout_pure_and_float64(rng):
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    before = x.copy(), dout.copy()
    out, cache = dropout_forward(x, 0.3, rng=rng)
    dx = dropout_backward(dout, cache)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(dout, before[1])
    assert out.dtype == dx.dtype == np.float64
    assert not np.shares_memory(dx, dout)
