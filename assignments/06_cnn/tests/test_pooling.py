"""Hidden tests of 06_cnn, pooling: maxpool2d_forward/backward and avgpool2d_forward/backward.

Cases cover the default 2x2 windows with stride 2, sizes that leave rows/columns outside every
window (floored output size), overlapping windows (stride < window), gaps (stride > window),
non-square windows and a batch of 1. The max-pool backward is also tested on integer inputs
with ties (the gradient goes to the first maximum in row-major order) and on all-negative
inputs. Backward tests feed the student's own cache to the student's backward (or, only when
the student's forward raises, the documented cache, which is the reference's).
"""

import numpy as np
import pytest

from grader.suite.returns import returned

# id, x shape (N, C, H, W), pool_height, pool_width, stride
CASES = [
    ("default 2x2 stride 2", (2, 3, 4, 4), 2, 2, 2),
    ("batch of 1, odd sizes (floored)", (1, 2, 5, 7), 2, 2, 2),
    ("overlapping 3x2 stride 1", (2, 2, 5, 6), 3, 2, 1),
    ("overlapping 3x3 stride 2", (1, 1, 7, 6), 3, 3, 2),
    ("gaps 2x3 stride 3", (2, 1, 7, 8), 2, 3, 3),
    ("one window over the whole image", (2, 3, 3, 4), 3, 4, 1),
    ("overlapping 2x1 stride 1", (1, 2, 4, 3), 2, 1, 1),
]
IDS = [case[0] for case in CASES]
OVERLAPPING = [case for case in CASES if case[4] < max(case[2], case[3])]
SHAPE_HINT = " (H' = 1 + (H - pool_height) // stride rounded down, W' likewise; one output channel per input channel)"


def _pair(result, name):
    return returned(result, name, "out, cache")


def _check(expect, got, expected, *, name, kind="values", variants=None, shape_hint=SHAPE_HINT, regions=None):
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        raise AssertionError(f"{name}: wrong shape: got {got.shape}, expected {expected.shape}{shape_hint}")
    expect(got, expected, name=name, kind=kind, variants=variants, regions=regions)


def _window_regions(x, ph, pw, stride):
    """Named parts of an input-shaped dx: the entries of windows whose maximum is tied, and the
    entries that several windows share."""
    n, c, h, w = x.shape
    rows, cols = 1 + (h - ph) // stride, 1 + (w - pw) // stride
    tied, covered = np.zeros(x.shape, dtype=bool), np.zeros(x.shape, dtype=int)
    for i in range(rows):
        for j in range(cols):
            window = (slice(None), slice(None), slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw))
            values = x[window].reshape(n, c, -1)
            ties = (values == values.max(axis=-1, keepdims=True)).sum(axis=-1) > 1
            tied[window] |= ties[:, :, None, None]
            covered[window] += 1
    return {"windows whose maximum is tied (the gradient goes to the first maximum only)": tied,
            "entries that several overlapping windows share (their gradients add up)": covered > 1}


def _kwargs(case):
    _, _, ph, pw, stride = case
    return {"pool_height": ph, "pool_width": pw, "stride": stride}


def _scatter(x, dout, ph, pw, stride, share, *, accumulate=True):
    """dx where window (i, j) adds dout[:, :, i, j] times share(window) onto its entries."""
    dx = np.zeros_like(x)
    _, _, h_out, w_out = dout.shape
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + ph), slice(j * stride, j * stride + pw)
            contribution = dout[:, :, i, j, None, None] * share(x[:, :, rows, cols])
            if accumulate:
                dx[:, :, rows, cols] += contribution
            else:
                dx[:, :, rows, cols] = contribution
    return dx


def _first_max(window):
    n, c, ph, pw = window.shape
    flat = window.reshape(n, c, ph * pw)
    return (np.arange(ph * pw) == flat.argmax(axis=-1)[..., None]).reshape(window.shape).astype(float)


def _every_max(window):
    return (window == window.max(axis=(2, 3), keepdims=True)).astype(float)


def _every_entry(window):
    return np.ones_like(window)


def _max_variants(x, dout, case):
    _, _, ph, pw, stride = case
    variants = {
        "the gradient goes to every element of the window; it must go to the window's maximum only":
            _scatter(x, dout, ph, pw, stride, _every_entry),
        "on ties, every maximum gets the gradient; only the first maximum (row-major order, as "
        "np.argmax) may get it": _scatter(x, dout, ph, pw, stride, _every_max),
    }
    if stride < max(ph, pw):
        variants["overlapping windows overwrite each other's gradient: accumulate with +="] = \
            _scatter(x, dout, ph, pw, stride, _first_max, accumulate=False)
    return variants


def _student_cache(forward, x, kwargs, documented):
    """The student's own cache; the documented one (the reference's, same layout as the
    docstring) only if their forward raises or returns no (out, cache) pair."""
    try:
        result = forward(x, **kwargs)
    except Exception:
        result = None
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[1]
    return documented


def _max_backward(student, ref, rng, expect, case, x):
    kwargs = _kwargs(case)
    expected_out, ref_cache = ref.maxpool2d_forward(x, **kwargs)
    dout = rng.standard_normal(expected_out.shape)
    dx = student.maxpool2d_backward(dout, _student_cache(student.maxpool2d_forward, x, kwargs, ref_cache))
    expected = ref.maxpool2d_backward(dout, ref_cache)
    try:
        _check(expect, dx, expected, name="dx", kind="gradients", variants=lambda: _max_variants(x, dout, case),
               shape_hint=" (dx has the shape of x)", regions=_window_regions(x, *case[2:]))
    except AssertionError as failure:
        raise type(failure)(f"{failure}{_misrouted(dx, x, ref_cache)}") from None


def _misrouted(dx, x, ref_cache):
    """Where a max-pool dx puts gradient on an entry that is no window's maximum (a true statement
    or nothing): gradient routed to the wrong entry of its window."""
    dx = np.asarray(dx) if isinstance(dx, (np.ndarray, list)) else None
    if dx is None or dx.shape != x.shape or dx.dtype.kind not in "fiu":
        return ""
    _, argmax, ph, pw, stride = ref_cache
    is_max = np.zeros(x.shape, dtype=bool)
    for k in range(ph):
        for l in range(pw):
            view = is_max[:, :, k:k + stride * argmax.shape[2]:stride, l:l + stride * argmax.shape[3]:stride]
            view |= argmax == k * pw + l
    stray = (dx != 0) & ~is_max
    if not stray.any():
        return ""
    first = tuple(int(i) for i in np.argwhere(stray)[0])
    return (f"; {int(stray.sum())} entries of dx get gradient although they are no window's (first) maximum (first at "
            f"{list(first)}): each window's gradient goes to the entry at its argmax (k = a // pool_width, "
            f"l = a % pool_width), and nowhere else")


# ---- max pooling, forward -----------------------------------------------------------------------

ZERO_START = ("a running maximum that starts at 0 (a window of negative numbers gives 0); start from "
              "the window's first entry or -inf")


@pytest.mark.task06_maxpool2d_forward
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_maxpool_forward_values(student, ref, rng, expect, case):
    """Output vs the reference"""
    x = rng.standard_normal(case[1])
    out, _ = _pair(student.maxpool2d_forward(x, **_kwargs(case)), "maxpool2d_forward")
    expected = ref.maxpool2d_forward(x, **_kwargs(case))[0]
    _check(expect, out, expected, name="out", variants={ZERO_START: np.maximum(expected, 0.0)})


@pytest.mark.task06_maxpool2d_forward
@pytest.mark.parametrize("case", [CASES[0], CASES[2]], ids=[IDS[0], IDS[2]])
@pytest.mark.contract("domain_edge")
def test_maxpool_forward_all_negative(student, ref, rng, expect, case):
    """All-negative inputs"""
    x = -np.abs(rng.standard_normal(case[1])) - 0.5
    out, _ = _pair(student.maxpool2d_forward(x, **_kwargs(case)), "maxpool2d_forward")
    expected = ref.maxpool2d_forward(x, **_kwargs(case))[0]
    _check(expect, out, expected, name="out", variants={ZERO_START: np.maximum(expected, 0.0)})


@pytest.mark.task06_maxpool2d_forward
def test_maxpool_forward_defaults(student, ref, rng, expect):
    """Defaults: 2x2 windows, stride 2"""
    x = rng.standard_normal((2, 2, 6, 5))
    out, _ = _pair(student.maxpool2d_forward(x), "maxpool2d_forward")
    expected = ref.maxpool2d_forward(x)[0]
    _check(expect, out, expected, name="out", variants={ZERO_START: np.maximum(expected, 0.0)})


@pytest.mark.task06_maxpool2d_forward
@pytest.mark.weight(0.5)
def test_maxpool_forward_large_values(student, ref, rng, expect):
    """Large |x|"""
    x = rng.standard_normal((1, 2, 4, 6)) * 1e8
    out, _ = _pair(student.maxpool2d_forward(x, pool_height=2, pool_width=3, stride=2), "maxpool2d_forward")
    _check(expect, out, ref.maxpool2d_forward(x, pool_height=2, pool_width=3, stride=2)[0], name="out")


# ---- max pooling, backward ----------------------------------------------------------------------

@pytest.mark.task06_maxpool2d_backward
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_maxpool_backward_values(student, ref, rng, expect, case):
    """dx vs the reference"""
    _max_backward(student, ref, rng, expect, case, rng.standard_normal(case[1]))


@pytest.mark.task06_maxpool2d_backward
@pytest.mark.weight(2)
@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[2], CASES[3]], ids=IDS[:4])
@pytest.mark.contract("domain_edge")
def test_maxpool_backward_ties(student, ref, rng, expect, case):
    """Ties go to the first maximum"""
    _max_backward(student, ref, rng, expect, case, rng.integers(-2, 3, size=case[1]).astype(float))


@pytest.mark.task06_maxpool2d_backward
@pytest.mark.parametrize("case", [CASES[0], CASES[2]], ids=[IDS[0], IDS[2]])
def test_maxpool_backward_all_negative(student, ref, rng, expect, case):
    """All-negative inputs"""
    _max_backward(student, ref, rng, expect, case, -np.abs(rng.standard_normal(case[1])) - 0.5)


@pytest.mark.task06_maxpool2d_backward
@pytest.mark.weight(0.5)
def test_maxpool_backward_zero_gradient(student, ref, rng, expect):
    """A zero upstream gradient gives a zero dx"""
    x = rng.standard_normal((2, 2, 4, 4))
    cache = _student_cache(student.maxpool2d_forward, x, {}, ref.maxpool2d_forward(x)[1])
    _check(expect, student.maxpool2d_backward(np.zeros((2, 2, 2, 2)), cache), np.zeros_like(x),
           name="dx", kind="gradients", shape_hint=" (dx has the shape of x)")
    # Zeros are what a function returning zeros gives too: the same weight group checks a
    # non-zero upstream gradient through the same cache.
    dout = rng.standard_normal((2, 2, 2, 2))
    _check(expect, student.maxpool2d_backward(dout, cache), ref.maxpool2d_backward(dout, ref.maxpool2d_forward(x)[1]),
           name="dx for a non-zero dout", kind="gradients", shape_hint=" (dx has the shape of x)")


# ---- average pooling ----------------------------------------------------------------------------

@pytest.mark.task06_avgpool2d_forward
@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_avgpool_forward_values(student, ref, rng, expect, case):
    """Output vs the reference"""
    x = rng.standard_normal(case[1])
    _, _, ph, pw, _ = case
    out, _ = _pair(student.avgpool2d_forward(x, **_kwargs(case)), "avgpool2d_forward")
    expected = ref.avgpool2d_forward(x, **_kwargs(case))[0]
    _check(expect, out, expected, name="out", variants={
        "the window's sum, not its mean: divide by the window size pool_height * pool_width": expected * (ph * pw)})


@pytest.mark.task06_avgpool2d_forward
def test_avgpool_forward_defaults(student, ref, rng, expect):
    """Defaults: 2x2 windows, stride 2"""
    x = rng.standard_normal((1, 3, 5, 6))
    out, _ = _pair(student.avgpool2d_forward(x), "avgpool2d_forward")
    _check(expect, out, ref.avgpool2d_forward(x)[0], name="out")


@pytest.mark.task06_avgpool2d_backward
@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_avgpool_backward_values(student, ref, rng, expect, case):
    """dx vs the reference"""
    x = rng.standard_normal(case[1])
    _, _, ph, pw, stride = case
    expected_out, ref_cache = ref.avgpool2d_forward(x, **_kwargs(case))
    dout = rng.standard_normal(expected_out.shape)
    dx = student.avgpool2d_backward(dout, _student_cache(student.avgpool2d_forward, x, _kwargs(case), ref_cache))
    expected = ref.avgpool2d_backward(dout, ref_cache)

    def variants():  # computed only for a wrong answer
        known = {"the gradient is not divided by the window size pool_height * pool_width": expected * (ph * pw)}
        if stride < max(ph, pw):
            known["overlapping windows overwrite each other's gradient: accumulate with +="] = _scatter(
                x, dout, ph, pw, stride, lambda window: np.full_like(window, 1.0 / (ph * pw)), accumulate=False)
        return known

    _check(expect, dx, expected, name="dx", kind="gradients", variants=variants,
           shape_hint=" (dx has the shape of x)")


@pytest.mark.task06_avgpool2d_backward
def test_avgpool_backward_defaults(student, ref, rng, expect):
    """Defaults: 2x2 windows, stride 2, leftover row and column get 0"""
    x = rng.standard_normal((2, 1, 5, 5))
    expected_out, ref_cache = ref.avgpool2d_forward(x)
    dout = rng.standard_normal(expected_out.shape)
    cache = _student_cache(student.avgpool2d_forward, x, {}, ref_cache)
    _check(expect, student.avgpool2d_backward(dout, cache), ref.avgpool2d_backward(dout, ref_cache),
           name="dx", kind="gradients", shape_hint=" (dx has the shape of x)")
