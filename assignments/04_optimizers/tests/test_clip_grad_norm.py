"""clip_grad_norm: several arrays above the threshold (scaled together), below it (unchanged),
one array, all zeros, and the total norm it returns."""

import numpy as np
import pytest

from grader.suite.returns import returned

pytestmark = pytest.mark.task04_clip_grad_norm

SHAPES = [(3, 4), (4,), (2, 2, 3)]


def gradient_list(rng, norms):
    """Arrays of SHAPES with these norms."""
    grads = []
    for shape, norm in zip(SHAPES, norms):
        g = rng.standard_normal(shape)
        grads.append(g * norm / np.linalg.norm(g))
    return grads


def clipped_mistakes(grads, max_norm):
    norms = [float(np.linalg.norm(g)) for g in grads]
    total = float(np.sqrt(sum(n * n for n in norms)))
    separate = [g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(grads, norms)]
    return [
        {"each array clipped separately; clip them together, by the norm of all of them": separate[i],
         "every gradient rescaled to norm max_norm, also when it is below; scale by min(1, max_norm / norm)":
             grads[i] * max_norm / (total + 1e-6),
         "scaled by the sum of the arrays' norms, not by the square root of the sum of their squares":
             grads[i] * min(1.0, max_norm / sum(norms))}
        for i in range(len(grads))]


def call(student, grads, max_norm):
    result = student.clip_grad_norm(grads, max_norm)
    clipped, total_norm = returned(result, "clip_grad_norm", "clipped, total_norm")
    assert isinstance(clipped, (list, tuple)) and len(clipped) == len(grads), (
        f"clipped should be a list with one array per gradient ({len(grads)}), got "
        + (f"{len(clipped)} items" if isinstance(clipped, (list, tuple)) else type(clipped).__name__))
    return clipped, total_norm


def check_clipped(expect, clipped, expected, variants):
    for i, (got, want) in enumerate(zip(clipped, expected)):
        expect(got, want, name=f"clipped[{i}]", variants=variants[i])


@pytest.mark.weight(2)
def test_clipped_together(student, ref, rng, expect):
    """Three arrays whose total norm is above max_norm (one of them alone is below)"""
    grads, max_norm = gradient_list(rng, [4.0, 0.5, 2.5]), 1.5
    clipped, _ = call(student, grads, max_norm)
    check_clipped(expect, clipped, ref.clip_grad_norm(grads, max_norm)[0], clipped_mistakes(grads, max_norm))


def test_total_norm(student, ref, rng, expect):
    """The total norm returned when clipping, measured before clipping"""
    grads, max_norm = gradient_list(rng, [3.0, 1.0, 2.0]), 1.0
    _, total_norm = call(student, grads, max_norm)
    norms = [float(np.linalg.norm(g)) for g in grads]
    expect(total_norm, ref.clip_grad_norm(grads, max_norm)[1], name="total_norm", variants={
        "returned the norm after clipping; return the norm before": max_norm,
        "the sum of the arrays' norms; the total norm is the square root of the sum of their squares": sum(norms),
        "the sum of squares, without the square root": sum(n * n for n in norms),
    })


def test_below_max_norm(student, ref, rng, expect):
    """Three arrays whose total norm is below max_norm are returned unchanged"""
    grads, max_norm = gradient_list(rng, [0.6, 0.3, 0.5]), 2.0
    clipped, total_norm = call(student, grads, max_norm)
    check_clipped(expect, clipped, ref.clip_grad_norm(grads, max_norm)[0], clipped_mistakes(grads, max_norm))
    expect(total_norm, ref.clip_grad_norm(grads, max_norm)[1], name="total_norm")


@pytest.mark.contract("domain_edge")
def test_single_array(student, ref, rng, expect):
    """A list of one array above max_norm"""
    grads, max_norm = [3.0 * rng.standard_normal((5, 2))], 0.5
    clipped, total_norm = call(student, grads, max_norm)
    expected, expected_norm = ref.clip_grad_norm(grads, max_norm)
    check_clipped(expect, clipped, expected, [{}])
    expect(total_norm, expected_norm, name="total_norm",
           variants={"returned the norm after clipping; return the norm before": max_norm})


@pytest.mark.contract("domain_edge")
def test_zero_gradients(student, ref, rng, expect):
    """All-zero gradients: nothing to clip, total norm 0, no NaN"""
    grads = [np.zeros((2, 3)), np.zeros(4)]
    clipped, total_norm = call(student, grads, 1.0)
    check_clipped(expect, clipped, ref.clip_grad_norm(grads, 1.0)[0], [{}, {}])
    expect(total_norm, 0.0, name="total_norm")
    # Zeros in, zeros out is what a function returning zeros gives too: the same weight group
    # checks gradients that are clipped.
    grads = gradient_list(rng, [2.0, 1.0, 0.5])
    clipped, total_norm = call(student, grads, 1.0)
    expected, expected_norm = ref.clip_grad_norm(grads, 1.0)
    check_clipped(expect, clipped, expected, clipped_mistakes(grads, 1.0))
    expect(total_norm, expected_norm, name="total_norm of gradients above max_norm")


@pytest.mark.contract("domain_edge")
def test_max_norm_near_zero(student, ref, rng, expect):
    """max_norm near 0, its excluded end, with gradients as small: the eps in max_norm / (norm + eps) shows"""
    grads, max_norm = gradient_list(rng, [2e-5, 1e-5, 3e-5]), 1e-5
    clipped, total_norm = call(student, grads, max_norm)
    expected, expected_norm = ref.clip_grad_norm(grads, max_norm)
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    variants = clipped_mistakes(grads, max_norm)
    for i, g in enumerate(grads):
        variants[i]["scaled by max_norm / norm without the eps: the denominator is norm + eps (eps=1e-6)"] = (
            g * max_norm / total)
    check_clipped(expect, clipped, expected, variants)
    expect(total_norm, expected_norm, name="total_norm")
