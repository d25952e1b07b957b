"""Hidden tests of 06_cnn, convolution: conv2d_forward_naive and conv2d_backward_naive.

Every case is compared with the reference's fast (im2col) convolution, which gives the same
numbers as its naive loops. Shapes stay small: students' loops run in the sandbox with a
per-call timeout. The backward gets the student's own cache from the student's own forward
(or, only when that forward raises, the documented cache (x, w, b, stride, pad)), and an
upstream gradient of the reference output's shape: a forward with a wrong output size does not
also cost the backward's points.
"""

import numpy as np
import pytest

from grader.suite.returns import returned

# id, x shape (N, C, H, W), filters (F, HH, WW), stride, pad
CASES = [
    ("basic 3x3 same padding", (2, 3, 5, 5), (4, 3, 3), 1, 1),
    ("batch of 1, non-square image and kernel", (1, 2, 4, 6), (3, 2, 3), 1, 0),
    ("stride 2, pad 1, leftover column", (2, 2, 7, 6), (3, 3, 3), 2, 1),
    ("stride 2, pad 2, leftover row and column", (1, 3, 6, 5), (2, 3, 2), 2, 2),
    ("1x1 kernel", (3, 2, 4, 3), (2, 1, 1), 1, 0),
    ("stride 3, wide kernel", (2, 1, 5, 8), (2, 2, 4), 3, 1),
    ("kernel as large as the image", (2, 2, 3, 4), (3, 3, 4), 1, 0),
    ("as many filters as channels", (2, 3, 5, 4), (3, 2, 2), 1, 1),
]
IDS = [case[0] for case in CASES]
SHAPE_HINT = (" (H' = 1 + (H + 2 pad - HH) // stride rounded down, with pad zeros on each side of "
              "H and W; W' likewise)")


def _inputs(rng, x_shape, filters):
    n, c, _, _ = x_shape
    f, hh, ww = filters
    return rng.standard_normal(x_shape), rng.standard_normal((f, c, hh, ww)), rng.standard_normal(f)


def _pair(result, name):
    return returned(result, name, "out, cache")


def _check(expect, got, expected, *, name, kind="values", variants=None, shape_hint=""):
    """expect(), with the conv-specific shape diagnoses first (axes swapped, size formula)."""
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        swapped = expected.swapaxes(0, 1) if expected.ndim == 4 else None
        if swapped is not None and got.shape == swapped.shape and np.allclose(got, swapped, rtol=1e-5, atol=1e-7):
            raise AssertionError(f"{name} is transposed: its first two axes are swapped, got shape "
                                 f"{got.shape}, expected {expected.shape}")
        raise AssertionError(f"{name}: wrong shape: got {got.shape}, expected {expected.shape}{shape_hint}")
    expect(got, expected, name=name, kind=kind, variants=variants)


def _backward_loops(dout, x, w, stride, pad, *, backward_stride=None, accumulate=True):
    """dx and dw of the convolution with a known mistake switched on (stride / overwriting)."""
    step = stride if backward_stride is None else backward_stride
    _, _, h, wd = x.shape
    _, _, hh, ww = w.shape
    n_count, f_count, h_out, w_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for n in range(n_count):
        for f in range(f_count):
            for i in range(h_out):
                for j in range(w_out):
                    rows, cols = slice(i * step, i * step + hh), slice(j * step, j * step + ww)
                    if accumulate:
                        dx_pad[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    else:
                        dx_pad[n, :, rows, cols] = w[f] * dout[n, f, i, j]
                    dw[f] += x_pad[n, :, rows, cols] * dout[n, f, i, j]
    return dx_pad[:, :, pad:pad + h, pad:pad + wd], dw


# ---- forward ------------------------------------------------------------------------------------

@pytest.mark.task06_conv2d_forward_naive
@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_forward_values(student, ref, rng, expect, case):
    """Output vs the reference"""
    _, x_shape, filters, stride, pad = case
    x, w, b = _inputs(rng, x_shape, filters)
    out, _ = _pair(student.conv2d_forward_naive(x, w, b, stride=stride, pad=pad), "conv2d_forward_naive")
    expected, _ = ref.conv2d_forward(x, w, b, stride=stride, pad=pad)

    def variants():  # computed only for a wrong answer
        return {
            "the kernel is flipped: that is a true convolution, compute the cross-correlation "
            "(w[f, c, 0, 0] multiplies the window's top-left entry)":
                ref.conv2d_forward(x, w[:, :, ::-1, ::-1].copy(), b, stride=stride, pad=pad)[0],
            "the bias b[f] is not added": ref.conv2d_forward(x, w, np.zeros_like(b), stride=stride, pad=pad)[0],
            "the bias is added inside the sum, to every product of the window (C HH WW times): add b[f] once "
            "per output": expected + (w[0].size - 1) * b[None, :, None, None],
        }

    _check(expect, out, expected, name="out", variants=variants, shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward_naive
def test_forward_default_stride_and_pad(student, ref, rng, expect):
    """Defaults stride=1, pad=0"""
    x, w, b = _inputs(rng, (2, 2, 5, 4), (3, 3, 2))
    out, _ = _pair(student.conv2d_forward_naive(x, w, b), "conv2d_forward_naive")
    _check(expect, out, ref.conv2d_forward(x, w, b)[0], name="out", shape_hint=SHAPE_HINT)


@pytest.mark.task06_conv2d_forward_naive
@pytest.mark.weight(0.5)
def test_forward_keeps_float64(student, ref, rng, expect):
    """float64 in, float64 out (with the right values)"""
    x, w, b = _inputs(rng, (1, 2, 4, 4), (2, 3, 3))
    out, _ = _pair(student.conv2d_forward_naive(x, w, b, stride=1, pad=1), "conv2d_forward_naive")
    dtype = getattr(out, "dtype", None)
    assert dtype == np.float64, f"out has dtype {dtype}, expected float64 for float64 inputs"
    # The same weight group checks the values: a constant of the right dtype earns nothing here.
    _check(expect, out, ref.conv2d_forward(x, w, b, stride=1, pad=1)[0], name="out")


# ---- backward -----------------------------------------------------------------------------------

def _student_cache(student, x, w, b, stride, pad):
    """The student's own cache; the documented layout (x, w, b, stride, pad) only if their
    forward raises or returns no (out, cache) pair, so that the backward is still graded."""
    try:
        result = student.conv2d_forward_naive(x, w, b, stride=stride, pad=pad)
    except Exception:
        result = None
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[1]
    return (x, w, b, stride, pad)


def _backward(student, ref, rng, case):
    """(student's (dx, dw, db), reference's (dx, dw, db), the inputs)."""
    _, x_shape, filters, stride, pad = case
    x, w, b = _inputs(rng, x_shape, filters)
    expected_out, ref_cache = ref.conv2d_forward(x, w, b, stride=stride, pad=pad)
    dout = rng.standard_normal(expected_out.shape)
    grads = student.conv2d_backward_naive(dout, _student_cache(student, x, w, b, stride, pad))
    grads = returned(grads, "conv2d_backward_naive", "dx, dw, db")
    return grads, ref.conv2d_backward(dout, ref_cache), (x, w, b, stride, pad, dout)


@pytest.mark.task06_conv2d_backward_naive
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_backward_dx(student, ref, rng, expect, case):
    """dx vs the reference"""
    (dx, _, _), (expected, _, _), (x, w, b, stride, pad, dout) = _backward(student, ref, rng, case)

    def variants():  # computed only for a wrong answer
        flipped_cache = ref.conv2d_forward(x, w[:, :, ::-1, ::-1].copy(), b, stride=stride, pad=pad)[1]
        known = {
            "the kernel is flipped (a true convolution instead of the cross-correlation)":
                ref.conv2d_backward(dout, flipped_cache)[0],
            "overlapping windows overwrite each other in dx: accumulate with +=":
                _backward_loops(dout, x, w, stride, pad, accumulate=False)[0],
        }
        if stride > 1:
            known["the stride is ignored in the backward: window (i, j) starts at (i stride, j stride)"] = \
                _backward_loops(dout, x, w, stride, pad, backward_stride=1)[0]
        return known

    _check(expect, dx, expected, name="dx", kind="gradients", variants=variants,
           shape_hint=" (dx has the shape of x: remove the padding with dx_pad[:, :, pad:pad + H, pad:pad + W])")


@pytest.mark.task06_conv2d_backward_naive
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward_dw(student, ref, rng, expect, case):
    """dw vs the reference"""
    (_, dw, _), (_, expected, _), (x, w, b, stride, pad, dout) = _backward(student, ref, rng, case)

    def variants():  # computed only for a wrong answer
        known = {"the kernel is flipped (a true convolution instead of the cross-correlation)":
                 expected[:, :, ::-1, ::-1]}
        if expected.shape[0] == expected.shape[1]:
            known["transposed: the filter and channel axes are swapped (dw[c, f] instead of dw[f, c])"] = \
                expected.swapaxes(0, 1)
        if stride > 1:
            known["the stride is ignored in the backward: window (i, j) starts at (i stride, j stride)"] = \
                _backward_loops(dout, x, w, stride, pad, backward_stride=1)[1]
        return known

    _check(expect, dw, expected, name="dw", kind="gradients", variants=variants,
           shape_hint=" (dw has the shape of w, (F, C, HH, WW))")


@pytest.mark.task06_conv2d_backward_naive
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward_db(student, ref, rng, expect, case):
    """db vs the reference"""
    (_, _, db), (_, _, expected), (*_, dout) = _backward(student, ref, rng, case)
    variants = {}
    if dout.shape[0] > 1:
        variants["db counts only the last image: sum over the whole batch too"] = dout[-1].sum(axis=(1, 2))
    _check(expect, db, expected, name="db", kind="gradients", variants=variants,
           shape_hint=" (db has the shape of b, (F,): sum dout over the batch and both spatial axes)")


@pytest.mark.task06_conv2d_backward_naive
@pytest.mark.weight(0.5)
def test_backward_keeps_float64(student, ref, rng, expect):
    """float64 gradients (with the right values)"""
    x, w, b = _inputs(rng, (1, 2, 4, 4), (2, 3, 3))
    dout = rng.standard_normal((1, 2, 4, 4))
    grads = student.conv2d_backward_naive(dout, _student_cache(student, x, w, b, 1, 1))
    grads = returned(grads, "conv2d_backward_naive", "dx, dw, db")
    for name, grad in zip(("dx", "dw", "db"), grads):
        dtype = getattr(grad, "dtype", None)
        assert dtype == np.float64, f"{name} has dtype {dtype}, expected float64 for float64 inputs"
    # The same weight group checks the values: constants of the right dtype earn nothing here.
    expected = ref.conv2d_backward(dout, ref.conv2d_forward(x, w, b, stride=1, pad=1)[1])
    for name, grad, want in zip(("dx", "dw", "db"), grads, expected):
        _check(expect, grad, want, name=name, kind="gradients")
