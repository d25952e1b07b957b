"""Hidden tests: clip_grad_norm (one global norm over all gradients, scale only down)."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# case: (shapes of the gradients, max_norm as a fraction of their global norm)
CASES = {
    "clipped, three arrays": ([(3, 4), (4,), (2, 2, 3)], 0.2),
    "clipped, two arrays": ([(2, 5), (5,)], 0.6),
    "clipped, one array": ([(5, 3)], 0.5),
    "not clipped (norm below max_norm)": ([(3, 2), (2,)], 1.5),
}
# the cases that tell the classic mistakes apart weigh more
WEIGHTS = {"clipped, three arrays": 2, "clipped, two arrays": 1, "clipped, one array": 1,
           "not clipped (norm below max_norm)": 2}


def make_grads(rng, shapes, ratio):
    # different scales, so clipping each array on its own gives another direction
    grads = [rng.standard_normal(shape) * scale for shape, scale in zip(shapes, (3.0, 0.5, 2.0))]
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    return grads, ratio * total


def two(result):
    return returned(result, "clip_grad_norm", "clipped, total_norm")


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def clipped_variants(grads, max_norm):
    total = np.sqrt(sum(np.sum(g * g) for g in grads))
    each = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]
    to_max = [g * max_norm / (total + 1e-6) for g in grads]
    return {
        "each gradient was clipped separately: one scale from the global norm of all of them": flat(each),
        "rescaled to max_norm although the norm was below it: clipping only ever shrinks": flat(to_max),
    }


def norm_variants(grads, max_norm):
    squares = float(sum(np.sum(g * g) for g in grads))
    return {
        "returned the norm after clipping: return the norm measured before": min(np.sqrt(squares), max_norm),
        "the square root is missing: the norm is sqrt(sum of squares)": squares,
        "added the arrays' norms: the global norm is sqrt(sum of squared norms)":
            float(sum(np.linalg.norm(g) for g in grads)),
    }


def _clip(student, rng, case):
    grads, max_norm = make_grads(rng, *CASES[case])
    clipped, total_norm = two(student.clip_grad_norm(grads, max_norm))
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        size = f"{len(clipped)} items" if isinstance(clipped, (list, tuple)) else f"a {type(clipped).__name__}"
        raise GradeFailure(f"clipped should be a list with one array per gradient ({len(grads)}); got {size}")
    for k, (got, g) in enumerate(zip(clipped, grads)):
        if np.shape(got) != g.shape:
            raise GradeFailure(f"clipped[{k}] has shape {np.shape(got)}, expected the gradient's shape {g.shape}")
    return grads, max_norm, clipped, total_norm


@pytest.mark.task07_clip_grad_norm
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.weight(w)) for c, w in WEIGHTS.items()])
def test_clipped(student, ref, rng, expect, case):
    """the clipped gradients"""
    grads, max_norm, clipped, _ = _clip(student, rng, case)
    expected, expected_norm = ref.clip_grad_norm(grads, max_norm)
    expect(flat(clipped), flat(expected), name="clipped (all arrays, flattened)",
           variants=clipped_variants(grads, max_norm))
    if case.startswith("not clipped"):
        # Unchanged gradients are what a function returning its input gives: the same weight
        # group checks the norm it measured.
        _, total_norm = two(student.clip_grad_norm(grads, max_norm))
        expect(total_norm, expected_norm, name="total_norm", variants=norm_variants(grads, max_norm))


@pytest.mark.task07_clip_grad_norm
@pytest.mark.parametrize("case", list(CASES))
def test_total_norm(student, ref, rng, expect, case):
    """the global norm before clipping"""
    grads, max_norm, _, total_norm = _clip(student, rng, case)
    expect(total_norm, ref.clip_grad_norm(grads, max_norm)[1], name="total_norm",
           variants=norm_variants(grads, max_norm))


@pytest.mark.task07_clip_grad_norm
@pytest.mark.weight(0.5)
@pytest.mark.contract("domain_edge")
def test_zero_gradients(student, ref, rng, expect):
    """all-zero gradients stay zero, with norm 0 (no division by zero)"""
    grads = [np.zeros((2, 3)), np.zeros(3)]
    clipped, total_norm = two(student.clip_grad_norm(grads, 1.0))
    expect(total_norm, 0.0, name="total_norm")
    expect(flat(clipped), np.zeros(9), name="clipped (all arrays, flattened)")
    # Zeros in, zeros out is what a function returning zeros gives too: the same weight group
    # checks gradients that are clipped.
    grads, max_norm, clipped, total_norm = _clip(student, rng, "clipped, two arrays")
    expected, expected_norm = ref.clip_grad_norm(grads, max_norm)
    expect(flat(clipped), flat(expected), name="clipped (all arrays, flattened)",
           variants=clipped_variants(grads, max_norm))
    expect(total_norm, expected_norm, name="total_norm", variants=norm_variants(grads, max_norm))


@pytest.mark.task07_clip_grad_norm
@pytest.mark.contract("domain_edge")
def test_max_norm_near_zero(student, ref, rng, expect):
    """max_norm near 0, its excluded end, with gradients as small: the eps in max_norm / (norm + eps) shows"""
    grads = [1e-5 * rng.standard_normal(shape) for shape in [(3, 2), (4,)]]
    max_norm = 1e-5
    clipped, total_norm = two(student.clip_grad_norm(grads, max_norm))
    expected, expected_norm = ref.clip_grad_norm(grads, max_norm)
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    variants = clipped_variants(grads, max_norm)
    variants["scaled by max_norm / norm without the eps: the denominator is norm + eps (eps=1e-6)"] = (
        flat([g * max_norm / total for g in grads]))
    expect(flat(clipped), flat(expected), name="clipped (all arrays, flattened)", variants=variants)
    expect(total_norm, expected_norm, name="total_norm", variants=norm_variants(grads, max_norm))
