import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reference.conv
from reference.gradcheck import gradient_check
from reference.pooling import avgpool2d_backward, avgpool2d_forward, maxpool2d_backward, maxpool2d_forward

POOLS = {
    "max": (maxpool2d_forward, maxpool2d_backward),
    "avg": (avgpool2d_forward, avgpool2d_backward),
}
both = pytest.mark.parametrize("pair", list(POOLS.values()), ids=list(POOLS))


def test_conv_module_re_exports_pooling():
    for name in ("maxpool2d_forward", "maxpool2d_backward", "avgpool2d_forward", "avgpool2d_backward"):
        assert getattr(reference.conv, name) is globals()[name]
        assert name in reference.conv.__all__


def _loop_pool(x, reduce, ph, pw, stride):
    """Independent reference: explicit windows reduced one at a time."""
    N, C, H, W = x.shape
    Ho, Wo = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    out = np.empty((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = reduce(x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw], axis=(2, 3))
    return out


# ---- known values -------------------------------------------------------------------------------

def test_maxpool_hand_computed():
    x = np.array([[1.0, 5.0, 2.0, 0.0],
                  [3.0, 4.0, 8.0, 1.0],
                  [0.0, -1.0, 6.0, 6.0],
                  [-2.0, -3.0, 7.0, 2.0]]).reshape(1, 1, 4, 4)
    out, cache = maxpool2d_forward(x)
    np.testing.assert_array_equal(out[0, 0], [[5.0, 8.0], [0.0, 7.0]])
    dx = maxpool2d_backward(np.array([[10.0, 20.0], [30.0, 40.0]]).reshape(1, 1, 2, 2), cache)
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[2, 0], expected[3, 2] = 10.0, 20.0, 30.0, 40.0
    np.testing.assert_array_equal(dx[0, 0], expected)


def test_maxpool_ties_go_to_the_first_maximum_in_row_major_order():
    out, cache = maxpool2d_forward(np.ones((1, 1, 4, 4)))
    dx = maxpool2d_backward(np.ones_like(out), cache)
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(dx[0, 0], expected)
    # A tie between the top-right and bottom-left corners goes to the top-right (earlier row).
    x = np.array([[0.0, 3.0], [3.0, 1.0]]).reshape(1, 1, 2, 2)
    dx = maxpool2d_backward(np.ones((1, 1, 1, 1)), maxpool2d_forward(x)[1])
    np.testing.assert_array_equal(dx[0, 0], [[0.0, 1.0], [0.0, 0.0]])


def test_overlapping_windows_accumulate_gradient():
    x = np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, -1.0]]).reshape(1, 1, 3, 3)
    dout = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    out, cache = maxpool2d_forward(x, stride=1)
    np.testing.assert_array_equal(out[0, 0], 3.0)  # the centre is in all four windows
    dx = maxpool2d_backward(dout, cache)
    expected = np.zeros((3, 3))
    expected[1, 1] = 10.0
    np.testing.assert_array_equal(dx[0, 0], expected)

    out, cache = avgpool2d_forward(x, stride=1)
    np.testing.assert_allclose(out[0, 0], [[1.5, 1.25], [0.75, 0.5]], rtol=1e-15)
    dx = avgpool2d_backward(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_allclose(dx[0, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4, rtol=1e-15)


def test_avgpool_hand_computed_non_square():
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    out, cache = avgpool2d_forward(x, pool_height=3, pool_width=2, stride=2)
    np.testing.assert_allclose(out[0, 0], [[(0 + 1 + 4 + 5 + 8 + 9) / 6, (2 + 3 + 6 + 7 + 10 + 11) / 6]], rtol=1e-15)
    dx = avgpool2d_backward(np.array([[6.0, 12.0]]).reshape(1, 1, 1, 2), cache)
    np.testing.assert_allclose(dx[0, 0], np.tile([1.0, 1.0, 2.0, 2.0], (3, 1)), rtol=1e-15)


@both
def test_output_size_is_floored_and_leftovers_get_no_gradient(pair, rng):
    forward, backward = pair
    x = rng.standard_normal((2, 3, 5, 7))
    out, cache = forward(x, pool_height=2, pool_width=3, stride=2)
    assert out.shape == (2, 3, 2, 3)
    dx = backward(rng.standard_normal(out.shape), cache)
    np.testing.assert_array_equal(dx[:, :, 4, :], 0.0)


# ---- properties and gradients -------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(H=st.integers(1, 7), W=st.integers(1, 7), ph=st.integers(1, 3), pw=st.integers(1, 3),
       stride=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_forward_matches_window_loops(H, W, ph, pw, stride, seed):
    assume(ph <= H and pw <= W)
    x = np.random.default_rng(seed).standard_normal((2, 2, H, W))
    kw = dict(pool_height=ph, pool_width=pw, stride=stride)
    np.testing.assert_array_equal(maxpool2d_forward(x, **kw)[0], _loop_pool(x, np.max, ph, pw, stride))
    np.testing.assert_allclose(avgpool2d_forward(x, **kw)[0], _loop_pool(x, np.mean, ph, pw, stride), rtol=1e-13)


@settings(max_examples=30, deadline=None)
@given(ph=st.integers(1, 3), pw=st.integers(1, 3), stride=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_backward_sums_are_conserved(ph, pw, stride, seed):
    # Max pooling routes each dout entry to exactly one input; average pooling spreads it evenly.
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 2, 6, 5))
    kw = dict(pool_height=ph, pool_width=pw, stride=stride)
    for forward, backward in POOLS.values():
        out, cache = forward(x, **kw)
        dout = rng.standard_normal(out.shape)
        assert backward(dout, cache).sum() == pytest.approx(dout.sum(), abs=1e-12)


@both
@pytest.mark.parametrize("kw", [
    dict(),
    dict(pool_height=3, pool_width=2, stride=1),
    dict(pool_height=2, pool_width=3, stride=3),
    dict(pool_height=3, pool_width=3, stride=2),
], ids=["2x2s2", "3x2s1", "2x3s3", "3x3s2"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_central_differences(pair, kw, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, 7, 6))
    errors = gradient_check(*pair, [x], kwargs=kw, rng=rng)
    assert errors[0] <= 1e-7, errors


# ---- purity, dtype, bad input -------------------------------------------------------------------

@both
def test_inputs_not_mutated_and_dtype_preserved(pair, rng):
    forward, backward = pair
    for dtype in (np.float64, np.float32):
        x = rng.standard_normal((2, 3, 6, 6)).astype(dtype)
        x_copy = x.copy()
        out, cache = forward(x, stride=1)
        dout = rng.standard_normal(out.shape).astype(dtype)
        dout_copy = dout.copy()
        dx = backward(dout, cache)
        np.testing.assert_array_equal(x, x_copy)
        np.testing.assert_array_equal(dout, dout_copy)
        assert out.dtype == dtype and dx.dtype == dtype and dx.shape == x.shape
        assert not np.shares_memory(out, x) and not np.shares_memory(dx, dout)


@both
def test_bad_input(pair):
    forward, _ = pair
    with pytest.raises(ValueError, match=r"^x: .*\(N, C, H, W\).*\(3, 4, 4\)"):
        forward(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="larger than the input"):
        forward(np.zeros((1, 1, 4, 1)))
    with pytest.raises(ValueError, match="stride"):
        forward(np.zeros((1, 1, 4, 4)), stride=0)
