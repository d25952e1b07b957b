"""Hidden tests of adaptive_grad_clip (AGC, unit-wise).

Units by the course's layouts: a 1-D parameter is one unit (0-D arrays are not tested: they
reach the worker as Python floats); a (D, M) linear weight has one
unit per column (norms over axis 0); a 3-D/4-D weight has one unit per filter (norms over every
axis but 0). Gradients are drawn unit by unit with norms from 0.1 to 10 times the clipping
threshold, so that some units are clipped and others are not; some cases have an all-zero
weight unit (the eps floor) or an all-zero gradient unit (no 0/0).
"""

import numpy as np
import pytest

SHAPES = [(1,), (6,), (4, 3), (1, 6), (6, 1), (5, 5), (4, 3, 5), (3, 2, 3, 3), (1, 2, 2, 2)]
IDS = ["1", "6", "4x3", "1x6", "6x1", "5x5", "4x3x5", "3x2x3x3", "1x2x2x2"]


def unit_axes(ndim):
    if ndim <= 1:
        return None
    if ndim == 2:
        return (0,)
    return tuple(range(1, ndim))


def norms(a, axes):
    return np.sqrt(np.sum(a * a, axis=axes, keepdims=True))


def clip_with(w, dw, axes, clipping, eps=1e-3, floor=True):
    """AGC with the given unit axes (a known mistake when they are not the right ones)."""
    w_norm = norms(w, axes)
    max_norm = clipping * (np.maximum(w_norm, eps) if floor else w_norm)
    g_norm = norms(dw, axes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return dw * np.where(g_norm < max_norm, 1.0, max_norm / np.maximum(g_norm, 1e-6))


def case(rng, shape, clipping, *, zero_weight_unit=False, zero_grad_unit=False):
    """w and dw whose unit gradient norms are 0.1 to 10 times the unit's threshold."""
    w = rng.standard_normal(shape) * rng.choice([0.05, 1.0, 20.0])
    axes = unit_axes(len(shape))
    if zero_weight_unit:
        w = w.copy()
        if len(shape) == 2:
            w[:, 0] = 0.0
        else:
            w[0] = 0.0
    direction = rng.standard_normal(shape)
    threshold = clipping * np.maximum(norms(w, axes), 1e-3)
    factor = np.exp(rng.uniform(np.log(0.1), np.log(10.0), np.shape(threshold)))
    dw = direction / norms(direction, axes) * threshold * factor
    if zero_grad_unit:
        dw = dw.copy()
        if len(shape) == 2:
            dw[:, -1] = 0.0
        else:
            dw[-1] = 0.0
    return w, dw


def known_mistakes(w, dw, clipping):
    ndim = w.ndim
    mistakes = {
        "clipped with one norm for the whole tensor (global clipping); AGC clips each unit by its own norms":
            clip_with(w, dw, None, clipping) if ndim >= 2 else None,
        "without the eps floor: use max(||w_u||, eps), or weights that start at zero can never move":
            clip_with(w, dw, unit_axes(ndim), clipping, floor=False),
        "every unit rescaled to the threshold, also those below it: only clip when ||G_u|| > clipping * ||W_u||":
            dw * clipping * np.maximum(norms(w, unit_axes(ndim)), 1e-3) / np.maximum(norms(dw, unit_axes(ndim)), 1e-6),
    }
    if ndim == 2:
        mistakes["units taken as rows (norms over axis 1); a (D, M) weight's units are its columns (axis 0)"] = (
            clip_with(w, dw, (1,), clipping))
    if ndim >= 3:
        mistakes["units over the wrong axes: a filter bank's unit is one filter, norms over every axis but 0"] = (
            clip_with(w, dw, (0,), clipping))
        mistakes["norms over the last axis only; a filter's norm runs over every axis but 0"] = (
            clip_with(w, dw, (ndim - 1,), clipping))
    return {k: v for k, v in mistakes.items() if v is not None and np.all(np.isfinite(v))}


@pytest.mark.task05_adaptive_grad_clip
@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_agc_units(student, ref, rng, expect, shape):
    """Unit-wise clipping on parameters of every layout"""
    clipping = float(rng.choice([0.01, 0.05, 0.2]))
    w, dw = case(rng, shape, clipping)
    expect(student.adaptive_grad_clip(w, dw, clipping=clipping),
           ref.adaptive_grad_clip(w, dw, clipping=clipping), name="clipped gradient",
           variants=known_mistakes(w, dw, clipping))


@pytest.mark.task05_adaptive_grad_clip
@pytest.mark.parametrize("shape", [(6,), (4, 3), (3, 2, 3, 3)], ids=["6", "4x3", "3x2x3x3"])
def test_agc_default_clipping(student, ref, rng, expect, shape):
    """The default clipping is 0.01 and the default eps 1e-3"""
    w, dw = case(rng, shape, 0.01)
    expect(student.adaptive_grad_clip(w, dw), ref.adaptive_grad_clip(w, dw), name="clipped gradient",
           variants=known_mistakes(w, dw, 0.01))


@pytest.mark.task05_adaptive_grad_clip
@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 2, 2)], ids=["5x4", "3x2x2x2"])
@pytest.mark.contract("domain_edge")
def test_agc_zero_weight_unit(student, ref, rng, expect, shape):
    """A unit whose weights are all zero: its threshold is clipping * eps"""
    w, dw = case(rng, shape, 0.05, zero_weight_unit=True)
    expect(student.adaptive_grad_clip(w, dw, clipping=0.05), ref.adaptive_grad_clip(w, dw, clipping=0.05),
           name="clipped gradient with an all-zero weight unit", variants=known_mistakes(w, dw, 0.05))


@pytest.mark.task05_adaptive_grad_clip
@pytest.mark.contract("domain_edge")
def test_agc_zero_weights_everywhere(student, ref, rng, expect):
    """A zero-initialised bias: its gradient is clipped to norm clipping * eps, not to 0"""
    w, dw = np.zeros(5), rng.standard_normal(5)
    expect(student.adaptive_grad_clip(w, dw, clipping=0.1, eps=1e-3),
           ref.adaptive_grad_clip(w, dw, clipping=0.1, eps=1e-3), name="clipped gradient of a zero bias",
           variants={"all zeros: without the eps floor max(||w||, eps), a zero-initialised parameter never moves":
                     np.zeros(5)})


@pytest.mark.task05_adaptive_grad_clip
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)], ids=["4x3", "2x3x2x2"])
def test_agc_zero_gradient_unit(student, ref, rng, expect, shape):
    """A unit with an all-zero gradient stays zero: no 0/0, no NaN"""
    w, dw = case(rng, shape, 0.05, zero_grad_unit=True)
    expect(student.adaptive_grad_clip(w, dw, clipping=0.05), ref.adaptive_grad_clip(w, dw, clipping=0.05),
           name="clipped gradient with an all-zero gradient unit", variants=known_mistakes(w, dw, 0.05))


@pytest.mark.task05_adaptive_grad_clip
def test_agc_custom_eps(student, ref, rng, expect):
    """eps is a keyword argument that sets the floor of the weight norm"""
    w, dw = 1e-4 * rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    expect(student.adaptive_grad_clip(w, dw, clipping=0.1, eps=0.5),
           ref.adaptive_grad_clip(w, dw, clipping=0.1, eps=0.5), name="clipped gradient with eps = 0.5",
           variants={"eps is ignored (the default 1e-3 used instead of the eps given)":
                     clip_with(w, dw, (0,), 0.1, eps=1e-3)})
