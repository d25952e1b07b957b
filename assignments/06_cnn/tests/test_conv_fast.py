"""Hidden tests of 06_cnn, the vectorised convolution: conv2d_forward and conv2d_backward (im2col).

The fast version must give the numbers of the naive one, so every case is compared with the
reference's naive loops (forward) or its fast backward (which equals the naive one, as the
reference's tests check). Strides and paddings include sizes that do not divide evenly, strides
larger than the kernel (gaps) and smaller (overlaps). The backward gets the student's own cache
from the student's own forward; when that forward raises or gives wrong values, it gets the
documented cache (x, w, b, stride, pad, cols) built by the reference, so a wrong forward does not
also cost the backward's points. Known im2col mistakes are named by recomputing them here.
"""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.client import StudentException

# id, x shape (N, C, H, W), filters (F, HH, WW), stride, pad
CASES = [
    ("3x3 same padding", (2, 3, 5, 5), (4, 3, 3), 1, 1),
    ("N=1 C=1 F=1", (1, 1, 5, 5), (1, 3, 3), 1, 1),
    ("stride 2, pad 1, a row and a column left over", (2, 2, 6, 7), (3, 3, 2), 2, 1),
    ("stride 3, pad 2, two rows and columns left over", (1, 2, 7, 9), (2, 3, 2), 3, 2),
    ("stride 3 > kernel 2: gaps between windows", (2, 2, 9, 9), (2, 2, 2), 3, 0),
    ("1x1 kernel, stride 2", (3, 2, 5, 4), (2, 1, 1), 2, 0),
    ("kernel as large as the padded image", (2, 2, 3, 4), (3, 5, 6), 1, 1),
    ("non-square kernel, stride 2, no padding", (2, 3, 6, 9), (4, 2, 4), 2, 0),
]
IDS = [case[0] for case in CASES]
SHAPE_HINT = (" (H' = 1 + (H + 2 pad - HH) // stride rounded down, with pad zeros on each side of "
              "H and W; W' likewise)")
GRADIENTS = ["dx", "dw", "db"]


def _inputs(rng, x_shape, filters):
    n, c, _, _ = x_shape
    f, hh, ww = filters
    return rng.standard_normal(x_shape), rng.standard_normal((f, c, hh, ww)), rng.standard_normal(f)


def _windows(x, hh, ww, stride, pad):
    """(N, C, H', W', HH, WW): every window of the padded x."""
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return np.lib.stride_tricks.sliding_window_view(x_pad, (hh, ww), axis=(2, 3))[:, :, ::stride, ::stride]


def forward_mistakes(ref, x, w, b, stride, pad):
    """{mistake: its output} for the im2col forward."""
    f, c, hh, ww = w.shape
    right = ref.conv2d_forward_naive(x, w, b, stride=stride, pad=pad)[0]
    n, _, h_out, w_out = right.shape
    # rows of cols ordered (k, l, c) while w.reshape(F, -1) is ordered (c, k, l)
    w_klc = w.reshape(f, hh, ww, c).transpose(0, 3, 1, 2)
    return {
        "the product (F, N*H'*W') was reshaped straight to (N, F, H', W'): reshape to (F, N, H', W'), then "
        "transpose the first two axes": right.transpose(1, 0, 2, 3).reshape(n, f, h_out, w_out),
        "the rows of cols are not in the order of w.reshape(F, -1), which is (c, k, l): channel, then kernel "
        "row, then kernel column": ref.conv2d_forward_naive(x, w_klc, b, stride=stride, pad=pad)[0],
        "the kernel is flipped: that is a true convolution, compute the cross-correlation":
            ref.conv2d_forward_naive(x, w[:, :, ::-1, ::-1].copy(), b, stride=stride, pad=pad)[0],
        "the bias b[f] is not added": ref.conv2d_forward_naive(x, w, np.zeros_like(b), stride=stride, pad=pad)[0],
    }


def col2im(dcols, x_shape, hh, ww, stride, pad, *, accumulate=True, slice_stride=None):
    """dx from dcols (C, HH, WW, N, H', W') by one strided slice per kernel offset, as in the
    reference, or with a known mistake (overwriting, or slices at the wrong stride)."""
    n, c, h, w = x_shape
    step = stride if slice_stride is None else slice_stride
    h_out, w_out = dcols.shape[4:]
    dx_pad = np.zeros((c, n, h + 2 * pad + (step - 1) * h_out, w + 2 * pad + (step - 1) * w_out))
    for k in range(hh):
        for l in range(ww):
            target = (slice(None), slice(None), slice(k, k + step * h_out, step), slice(l, l + step * w_out, step))
            if accumulate:
                dx_pad[target] += dcols[:, k, l]
            else:
                dx_pad[target] = dcols[:, k, l]
    return dx_pad[:, :, pad:pad + h, pad:pad + w].transpose(1, 0, 2, 3)


def backward_mistakes(x, w, stride, pad, dout, gradient):
    f, c, hh, ww = w.shape
    n, _, h_out, w_out = dout.shape
    d = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dcols = (w.reshape(f, -1).T @ d).reshape(c, hh, ww, n, h_out, w_out)
    found = {}
    if gradient == "dx":
        found["overlapping windows overwrite each other in dx: the scatter must accumulate (+=)"] = (
            col2im(dcols, x.shape, hh, ww, stride, pad, accumulate=False))
        if stride > 1:
            found["the stride is ignored in the scatter: window (i, j) starts at row i*stride, column j*stride"] = (
                col2im(dcols, x.shape, hh, ww, stride, pad, slice_stride=1))
    if gradient == "dw":
        cols = _windows(x, hh, ww, stride, pad).transpose(1, 4, 5, 0, 2, 3).reshape(c * hh * ww, -1)
        dw = (d @ cols.T).reshape(w.shape)
        found["the kernel is flipped (a true convolution instead of the cross-correlation)"] = dw[:, :, ::-1, ::-1]
        if f == c:
            found["transposed: the filter and channel axes are swapped (dw[c, f] instead of dw[f, c])"] = (
                dw.swapaxes(0, 1))
    if gradient == "db" and n > 1:
        found["db counts only the last image: sum over the whole batch too"] = dout[-1].sum(axis=(1, 2))
    return found


def _check(expect, got, expected, *, name, kind="values", variants=None, shape_hint=""):
    """expect(), with the conv-specific shape diagnoses first (axes swapped, size formula)."""
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        if expected.ndim == 4 and got.shape == expected.swapaxes(0, 1).shape:
            raise GradeFailure(f"{name} has its first two axes swapped: got shape {got.shape}, expected "
                               f"{expected.shape}")
        raise GradeFailure(f"{name}: wrong shape: got {got.shape}, expected {expected.shape}{shape_hint}")
    expect(got, expected, name=name, kind=kind, variants=variants)


def require_float64(names, values):
    for name, value in zip(names, values):
        dtype = getattr(value, "dtype", None)
        if dtype != np.float64:
            raise GradeFailure(f"{name} has dtype {dtype}, expected float64 for float64 inputs")


def _out(student, x, w, b, **hyper):
    out, _ = returned(student.conv2d_forward(x, w, b, **hyper), "conv2d_forward", "out, cache")
    return out


# ---- forward ------------------------------------------------------------------------------------

@pytest.mark.task06_conv2d_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_equals_naive(student, ref, rng, expect, case):
    """out equals the naive convolution's"""
    _, x_shape, filters, stride, pad = case
    x, w, b = _inputs(rng, x_shape, filters)
    expected = ref.conv2d_forward_naive(x, w, b, stride=stride, pad=pad)[0]
    _check(expect, _out(student, x, w, b, stride=stride, pad=pad), expected, name="out",
           variants=lambda: forward_mistakes(ref, x, w, b, stride, pad), shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward
def test_forward_default_stride_and_pad(student, ref, rng, expect):
    """defaults stride=1, pad=0"""
    x, w, b = _inputs(rng, (2, 2, 5, 4), (3, 3, 2))
    _check(expect, _out(student, x, w, b), ref.conv2d_forward_naive(x, w, b)[0], name="out",
           variants=lambda: forward_mistakes(ref, x, w, b, 1, 0), shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward
def test_forward_a_realistic_layer(student, ref, rng, expect):
    """a batch of 8 RGB images of 16 x 16 and 6 filters of 3 x 3"""
    x, w, b = _inputs(rng, (8, 3, 16, 16), (6, 3, 3))
    _check(expect, _out(student, x, w, b, stride=1, pad=1), ref.conv2d_forward(x, w, b, stride=1, pad=1)[0],
           name="out", variants=lambda: forward_mistakes(ref, x, w, b, 1, 1), shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward
@pytest.mark.weight(0.5)
def test_forward_keeps_float64(student, ref, rng, expect):
    """float64 in, float64 out (with the right values)"""
    x, w, b = _inputs(rng, (1, 2, 4, 4), (2, 3, 3))
    out = _out(student, x, w, b, stride=1, pad=1)
    require_float64(["out"], [out])
    # The same test checks the values: a constant of the right dtype earns nothing here.
    _check(expect, out, ref.conv2d_forward_naive(x, w, b, stride=1, pad=1)[0], name="out", shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward
@pytest.mark.weight(0.5)
def test_forward_leaves_its_inputs_alone(student, ref, rng, expect):
    """x, w and b are not changed: a second call gives the same out"""
    x, w, b = _inputs(rng, (2, 2, 5, 5), (3, 3, 3))
    expected = ref.conv2d_forward_naive(x, w, b, stride=2, pad=1)[0]
    _check(expect, _out(student, x, w, b, stride=2, pad=1), expected, name="out", shape_hint=SHAPE_HINT)
    _check(expect, _out(student, x, w, b, stride=2, pad=1), expected, name="out (second call)")


# ---- backward -----------------------------------------------------------------------------------

def _cache(student, ref, x, w, b, stride, pad):
    """(cache, why): the student's own cache, or the reference's documented one and the reason."""
    expected_out, ref_cache = ref.conv2d_forward(x, w, b, stride=stride, pad=pad)
    try:
        out, cache = returned(student.conv2d_forward(x, w, b, stride=stride, pad=pad), "conv2d_forward",
                              "out, cache")
    except (StudentException, GradeFailure):
        return ref_cache, "your conv2d_forward does not run"
    if not (np.shape(out) == expected_out.shape and np.allclose(out, expected_out, rtol=1e-6, atol=1e-8)):
        return ref_cache, "your conv2d_forward gives wrong values"
    return cache, ""


def _grads(student, dout, cache, why):
    try:
        result = student.conv2d_backward(dout, cache)
    except StudentException as error:
        if not why or error.type_name == "NotImplementedError":
            raise
        raise GradeFailure(f"{why}, so this test used the documented cache (x, w, b, stride, pad, cols) built by "
                           f"the reference, and your conv2d_backward raised {error.type_name} on it: fix "
                           f"conv2d_forward first") from None
    return returned(result, "conv2d_backward", "dx, dw, db")


def _backward(student, ref, rng, expect, case, gradient):
    _, x_shape, filters, stride, pad = case
    x, w, b = _inputs(rng, x_shape, filters)
    cache, why = _cache(student, ref, x, w, b, stride, pad)
    expected_out, _ = ref.conv2d_forward(x, w, b, stride=stride, pad=pad)  # for its shape
    dout = rng.standard_normal(expected_out.shape)
    got = _grads(student, dout, cache, why)
    index = GRADIENTS.index(gradient)
    expected = ref.conv2d_backward_naive(dout, (x, w, b, stride, pad))[index]
    hints = {"dx": " (dx has the shape of x: remove the padding with dx_pad[:, :, pad:pad + H, pad:pad + W])",
             "dw": " (dw has the shape of w, (F, C, HH, WW))",
             "db": " (db has the shape of b, (F,): sum dout over the batch and both spatial axes)"}
    _check(expect, got[index], expected, name=gradient, kind="gradients",
           variants=lambda: backward_mistakes(x, w, stride, pad, dout, gradient), shape_hint=hints[gradient])


@pytest.mark.task06_conv2d_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward_equals_naive(student, ref, rng, expect, case, gradient):
    """one gradient, equal to the naive backward's, with your forward's cache"""
    _backward(student, ref, rng, expect, case, gradient)


@pytest.mark.task06_conv2d_backward
@pytest.mark.weight(0.5)
def test_backward_keeps_float64(student, ref, rng, expect):
    """float64 gradients (with the right values)"""
    x, w, b = _inputs(rng, (1, 2, 4, 4), (2, 3, 3))
    dout = rng.standard_normal((1, 2, 4, 4))
    grads = _grads(student, dout, *_cache(student, ref, x, w, b, 1, 1))
    require_float64(GRADIENTS, grads)
    # The same test checks the values: constants of the right dtype earn nothing here.
    for name, got, want in zip(GRADIENTS, grads, ref.conv2d_backward_naive(dout, (x, w, b, 1, 1))):
        _check(expect, got, want, name=name, kind="gradients")


@pytest.mark.task06_conv2d_backward
@pytest.mark.weight(0.5)
def test_backward_leaves_its_inputs_alone(student, ref, rng, expect):
    """dout and the cache are not changed: a second call gives the same gradients"""
    x, w, b = _inputs(rng, (2, 2, 5, 5), (3, 3, 3))
    cache, why = _cache(student, ref, x, w, b, 1, 1)
    dout = rng.standard_normal((2, 3, 5, 5))
    first, second = _grads(student, dout, cache, why), _grads(student, dout, cache, why)
    expected = ref.conv2d_backward_naive(dout, (x, w, b, 1, 1))
    for name, got, again, want in zip(GRADIENTS, first, second, expected):
        _check(expect, got, want, name=name, kind="gradients")
        if not np.array_equal(np.asarray(again), np.asarray(got)):
            raise GradeFailure(f"a second call on the same cache gave a different {name}: conv2d_backward changed "
                               f"the arrays of its cache in place (work on copies)")
