import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reference.conv import (
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    flatten_backward,
    flatten_forward,
)
from reference.gradcheck import gradient_check

PAIRS = {
    "naive": (conv2d_forward_naive, conv2d_backward_naive),
    "fast": (conv2d_forward, conv2d_backward),
}
both = pytest.mark.parametrize("pair", list(PAIRS.values()), ids=list(PAIRS))


def _params(rng, N=2, C=2, H=5, W=6, F=3, HH=3, WW=2):
    return rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, HH, WW)), rng.standard_normal(F)


# ---- known values -------------------------------------------------------------------------------

@both
def test_hand_computed_single_channel(pair):
    forward, _ = pair
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    out, _ = forward(x, w, np.array([0.5]))
    # 0*1 + 1*2 + 3*3 + 4*4 = 27, then each step right adds 1+2+3+4 = 10, each step down 3*10.
    # A flipped kernel (true convolution) would give 13 in the corner instead.
    np.testing.assert_allclose(out[0, 0], [[27.5, 37.5], [57.5, 67.5]], rtol=0, atol=1e-12)


@both
def test_one_hot_kernel_shifts_the_image(pair, rng):
    forward, _ = pair
    x = rng.standard_normal((2, 1, 4, 5))
    w = np.zeros((1, 1, 3, 3))
    w[0, 0, 0, 0] = 1.0  # picks the pixel one up and one left of the window centre
    out, _ = forward(x, w, np.zeros(1), pad=1)
    expected = np.zeros_like(x)
    expected[:, :, 1:, 1:] = x[:, :, :-1, :-1]
    np.testing.assert_array_equal(out, expected)


@both
def test_channel_selecting_kernels_permute_channels(pair, rng):
    forward, _ = pair
    x = rng.standard_normal((2, 3, 4, 4))
    w = np.zeros((3, 3, 3, 3))
    for f, c in enumerate([2, 0, 1]):
        w[f, c, 1, 1] = 1.0
    b = np.array([1.0, 2.0, 3.0])
    out, _ = forward(x, w, b, pad=1)
    np.testing.assert_array_equal(out, x[:, [2, 0, 1]] + b[None, :, None, None])


@both
def test_strided_one_by_one_kernel_subsamples(pair, rng):
    forward, _ = pair
    x = rng.standard_normal((1, 2, 5, 7))
    w = np.array([2.0, -1.0]).reshape(1, 2, 1, 1)
    out, _ = forward(x, w, np.array([0.25]), stride=2)
    expected = 2 * x[:, 0, ::2, ::2] - x[:, 1, ::2, ::2] + 0.25
    np.testing.assert_allclose(out[:, 0], expected, rtol=0, atol=1e-15)


@both
def test_output_size_is_floored_and_leftover_rows_get_no_gradient(pair, rng):
    forward, backward = pair
    x, w, b = _params(rng, H=6, W=7, HH=3, WW=3)  # (6 - 3) / 2 and (7 - 3) / 2: only W divides
    out, cache = forward(x, w, b, stride=2)
    assert out.shape == (2, 3, 2, 3)
    dx, _, _ = backward(np.ones_like(out), cache)
    np.testing.assert_array_equal(dx[:, :, -1, :], 0.0)
    assert np.all(dx[:, :, :-1, -1] != 0.0)  # the last column is used


@both
def test_all_ones_dout_gives_window_sums(pair, rng):
    forward, backward = pair
    x, w, b = _params(rng, N=1, C=1, H=3, W=3, F=1, HH=2, WW=2)
    out, cache = forward(x, w, b)
    dx, dw, db = backward(np.ones_like(out), cache)
    assert db == pytest.approx([4.0])
    # dw[k, l] sums the 2x2 block of x starting at (k, l); pixel (r, c) of dx sums the kernel
    # entries w[r - i, c - j] of the four windows (i, j) that cover it.
    blocks = [[x[0, 0, k:k + 2, l:l + 2].sum() for l in range(2)] for k in range(2)]
    np.testing.assert_allclose(dw[0, 0], blocks, rtol=1e-14)
    k = w[0, 0]
    expected = [
        [k[0, 0], k[0, 0] + k[0, 1], k[0, 1]],
        [k[0, 0] + k[1, 0], k.sum(), k[0, 1] + k[1, 1]],
        [k[1, 0], k[1, 0] + k[1, 1], k[1, 1]],
    ]
    np.testing.assert_allclose(dx[0, 0], expected, rtol=1e-14)


@both
def test_all_ones_with_stride_and_padding_counts_the_windows(pair):
    # w = 1 and dout = 1: dx[r, q] is F times the number of windows covering pixel (r, q); x = 1:
    # dw[k, l] is N times the number of windows whose entry (k, l) is a real pixel, not padding.
    # H = 5, W = 6, 2 x 2 kernel, stride 3, pad 1: windows start at padded rows 0, 3 and columns
    # 0, 3, 6, so real rows 1 and 4 and real columns 1 and 4 lie in no window (the gaps and the
    # leftover row that the floored output size skips).
    forward, backward = pair
    x, w = np.ones((2, 2, 5, 6)), np.ones((3, 2, 2, 2))
    out, cache = forward(x, w, np.zeros(3), stride=3, pad=1)
    assert out.shape == (2, 3, 2, 3)
    dx, dw, db = backward(np.ones_like(out), cache)
    rows, cols = np.array([1, 0, 1, 1, 0]), np.array([1, 0, 1, 1, 0, 1])
    np.testing.assert_array_equal(dx, np.broadcast_to(3.0 * np.outer(rows, cols), dx.shape))
    # kernel row 0 is padding in the first window row; kernel column 0 in the first window
    # column, kernel column 1 in the last
    window_rows, window_cols = np.array([1, 2]), np.array([2, 2])
    np.testing.assert_array_equal(dw, np.broadcast_to(2.0 * np.outer(window_rows, window_cols), dw.shape))
    np.testing.assert_array_equal(db, np.full(3, 2.0 * 2 * 3))


# ---- gradients ----------------------------------------------------------------------------------

CASES = [
    dict(shape=dict(H=5, W=5, HH=3, WW=3), stride=1, pad=0),
    dict(shape=dict(H=5, W=6, HH=3, WW=2), stride=1, pad=1),
    dict(shape=dict(H=6, W=5, HH=2, WW=3), stride=2, pad=1),
    dict(shape=dict(H=4, W=7, HH=3, WW=3), stride=2, pad=2),
    dict(shape=dict(H=7, W=4, HH=1, WW=2), stride=3, pad=0),
]


@both
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"s{c['stride']}p{c['pad']}-{c['shape']['H']}x{c['shape']['W']}")
@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_central_differences(pair, case, seed):
    rng = np.random.default_rng(seed)
    # N = 1 keeps the naive loops quick; the second seed uses a batch of two.
    x, w, b = _params(rng, N=1 + seed, C=2, F=2, **case["shape"])
    errors = gradient_check(*pair, [x, w, b], kwargs=dict(stride=case["stride"], pad=case["pad"]), rng=rng)
    assert max(errors.values()) <= 1e-7, errors


# ---- naive and fast agree -----------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(
    N=st.integers(1, 2), C=st.integers(1, 3), F=st.integers(1, 3),
    H=st.integers(1, 7), W=st.integers(1, 7), HH=st.integers(1, 4), WW=st.integers(1, 4),
    stride=st.integers(1, 3), pad=st.integers(0, 2), seed=st.integers(0, 2**16),
)
def test_naive_and_fast_agree(N, C, F, H, W, HH, WW, stride, pad, seed):
    assume(HH <= H + 2 * pad and WW <= W + 2 * pad)
    rng = np.random.default_rng(seed)
    x, w, b = _params(rng, N=N, C=C, H=H, W=W, F=F, HH=HH, WW=WW)
    out_n, cache_n = conv2d_forward_naive(x, w, b, stride=stride, pad=pad)
    out_f, cache_f = conv2d_forward(x, w, b, stride=stride, pad=pad)
    assert out_f.shape == (N, F, 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride)
    np.testing.assert_allclose(out_f, out_n, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out_n.shape)
    for got, want in zip(conv2d_backward(dout, cache_f), conv2d_backward_naive(dout, cache_n)):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(stride=st.integers(1, 2), pad=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_conv_is_linear_in_x(stride, pad, seed):
    rng = np.random.default_rng(seed)
    x1, w, b = _params(rng)
    x2 = rng.standard_normal(x1.shape)
    zero = conv2d_forward(np.zeros_like(x1), w, b, stride=stride, pad=pad)[0]  # just the bias

    def f(x):
        return conv2d_forward(x, w, b, stride=stride, pad=pad)[0] - zero

    np.testing.assert_allclose(f(2.5 * x1 + x2), 2.5 * f(x1) + f(x2), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(zero, np.broadcast_to(b[None, :, None, None], zero.shape))


# ---- purity, dtype, bad input -------------------------------------------------------------------

@both
def test_inputs_not_mutated_and_float64_preserved(pair, rng):
    forward, backward = pair
    x, w, b = _params(rng)
    copies = [a.copy() for a in (x, w, b)]
    out, cache = forward(x, w, b, stride=2, pad=1)
    dout = rng.standard_normal(out.shape)
    dout_copy = dout.copy()
    grads = backward(dout, cache)
    for a, c in zip((x, w, b, dout), copies + [dout_copy]):
        np.testing.assert_array_equal(a, c)
    assert out.dtype == np.float64 and all(g.dtype == np.float64 for g in grads)
    assert [g.shape for g in grads] == [x.shape, w.shape, b.shape]
    for g, a in zip(grads, (x, w, b)):
        assert not np.shares_memory(g, a) and not np.shares_memory(g, dout)


def test_fast_keeps_float32(rng):
    x, w, b = (a.astype(np.float32) for a in _params(rng))
    out, cache = conv2d_forward(x, w, b, pad=1)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(out), cache))


@both
def test_bad_shapes_name_the_argument(pair, rng):
    forward, _ = pair
    x, w, b = _params(rng, C=3)
    with pytest.raises(ValueError, match=r"^w: .*C=3.*\(3, 2, 3, 2\)"):
        forward(x, w[:, :2], b)
    with pytest.raises(ValueError, match=r"^b: .*\(4,\)"):
        forward(x, w, np.zeros(4))
    with pytest.raises(ValueError, match=r"^x: .*\(3, 5, 6\)"):
        forward(x[0], w, b)


@both
def test_bad_hyperparameters(pair, rng):
    forward, _ = pair
    x, w, b = _params(rng, H=3, W=3, HH=3, WW=3)
    with pytest.raises(ValueError, match="larger than the padded input"):
        forward(x[:, :, :2], w, b)
    with pytest.raises(ValueError, match="stride"):
        forward(x, w, b, stride=0)
    with pytest.raises(ValueError, match="pad"):
        forward(x, w, b, pad=-1)
    assert forward(x[:, :, :2], w, b, pad=1)[0].shape == (2, 3, 2, 3)


# ---- flatten ------------------------------------------------------------------------------------

def test_flatten_round_trip_and_gradient(rng):
    x = rng.standard_normal((3, 2, 4, 5))
    before = x.copy()
    out, cache = flatten_forward(x)
    assert out.shape == (3, 40)
    np.testing.assert_array_equal(out[1, 5:10], x[1, 0, 1])  # row-major: (c, h, w) with w fastest
    out[:] = 0.0  # the output is fresh: writing to it must not reach x
    np.testing.assert_array_equal(x, before)
    dout = rng.standard_normal((3, 40))
    dx = flatten_backward(dout, cache)
    assert dx.shape == x.shape and not np.shares_memory(dx, dout)
    errors = gradient_check(flatten_forward, flatten_backward, [x])
    assert errors[0] <= 1e-7


def test_flatten_empty_batch_and_bad_shape():
    assert flatten_forward(np.zeros((0, 2, 3)))[0].shape == (0, 6)
    with pytest.raises(ValueError, match="^x: "):
        flatten_forward(np.zeros(4))
    with pytest.raises(ValueError, match="^dout: "):
        flatten_backward(np.zeros((2, 3, 1)), (2, 3))
