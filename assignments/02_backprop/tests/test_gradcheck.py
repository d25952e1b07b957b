"""Hidden tests of numerical_gradient and rel_error.

numerical_gradient takes a function, which cannot travel to the student's worker. The notebook's
locked setup cell holds ``curved_function(a, b) -> (f, grad_f)`` (the build inlines it from
reference.gradcheck); calling it in the worker returns handles to f and grad_f, and the handle of
f is passed back to the student's numerical_gradient. The grader computes what is expected with
the same function, imported from the reference.
"""

import numpy as np
import pytest

from reference.gradcheck import curved_function

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "rel_error": {"dtype": "returns one number, and a number reaches the grader as a Python float (no dtype)"},
}

SHAPES = [(1,), (6,), (3, 4), (2, 3, 2)]


def problem(rng, shape):
    """Coefficients and a point; sum(b * x) is of order 1 whatever the size, so that every
    entry's gradient depends on the other entries."""
    size = int(np.prod(shape))
    a = rng.uniform(0.5, 3.0, shape) * rng.choice([-1.0, 1.0], shape)
    b = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape) / np.sqrt(size)
    x = rng.uniform(-2.0, 2.0, shape)
    return a, b, x


def student_function(student, a, b):
    handles = student.curved_function(a, b)
    assert isinstance(handles, tuple) and len(handles) == 2, (
        "the notebook's setup cell curved_function is missing or was changed: keep the locked cells as given")
    return handles[0]


def wrong_variants(f, x, h):
    """The outputs of known mistakes, for the diagnosis."""
    x = np.array(x, dtype=np.float64)
    forward, backward = np.zeros_like(x), np.zeros_like(x)
    left_low, left_high = x.copy(), x.copy()
    low, high = np.zeros_like(x), np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        forward[i] = (f(x + e) - f(x)) / h
        backward[i] = (f(x) - f(x - e)) / h
        # x[i] perturbed in place and not put back (left at x - h, or at x + h)
        old = left_low[i]
        left_low[i] = old + h
        plus = f(left_low)
        left_low[i] = old - h
        low[i] = (plus - f(left_low)) / (2 * h)
        old = left_high[i]
        left_high[i] = old - h
        minus = f(left_high)
        left_high[i] = old + h
        high[i] = (f(left_high) - minus) / (2 * h)
    return {
        "a one-sided difference (f(x + h e_i) - f(x)) / h; use the central difference "
        "(f(x + h e_i) - f(x - h e_i)) / (2h)": forward,
        "a one-sided difference (f(x) - f(x - h e_i)) / h; use the central difference "
        "(f(x + h e_i) - f(x - h e_i)) / (2h)": backward,
        "x[i] was not restored after it was perturbed (left at x[i] - h), so later entries were "
        "evaluated at a shifted point; put the old value back, on a copy of x": low,
        "x[i] was not restored after it was perturbed (left at x[i] + h), so later entries were "
        "evaluated at a shifted point; put the old value back, on a copy of x": high,
    }


@pytest.mark.task02_numerical_gradient
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x" + "x".join(map(str, s)))
@pytest.mark.contract("domain_edge")
def test_numerical_gradient_matches_the_exact_gradient(student, rng, expect, shape):
    """Matches the exact gradient of a smooth function (default step h)"""
    a, b, x = problem(rng, shape)
    f = student_function(student, a, b)
    got = student.numerical_gradient(f, x)
    f_local, grad_local = curved_function(a, b)
    expect(got, grad_local(x), name="numerical gradient", kind="gradients",
           variants=wrong_variants(f_local, x, 1e-6))


@pytest.mark.task02_numerical_gradient
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x" + "x".join(map(str, s)))
def test_numerical_gradient_is_a_central_difference(student, ref, rng, expect, shape):
    """Is the central difference (f(x + h e_i) - f(x - h e_i)) / (2h) for the step h given (h = 1e-3)"""
    a, b, x = problem(rng, shape)
    f = student_function(student, a, b)
    got = student.numerical_gradient(f, x, 1e-3)
    f_local, _ = curved_function(a, b)
    expect(got, ref.numerical_gradient(f_local, x, 1e-3), name="numerical gradient with h = 1e-3",
           kind="values", variants=wrong_variants(f_local, x, 1e-3))


def elementwise(a, b):
    """The popular elementwise relative error, for the diagnosis."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "an elementwise ratio max |a - b| / (|a| + |b|); the docstring asks for the normwise "
            "||a - b|| / max(||a|| + ||b||, eps)": np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))),
            "an elementwise ratio max |a - b| / max(|a| + |b|, eps); the docstring asks for the normwise "
            "||a - b|| / max(||a|| + ||b||, eps)": np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)),
            "a ratio of norms without the sum ||a - b|| / ||a||": np.linalg.norm(a - b) / np.linalg.norm(a),
        }


def close_pair(rng, shape, scale):
    a = rng.standard_normal(shape)
    return a, a + scale * rng.standard_normal(shape)


@pytest.mark.task02_rel_error
@pytest.mark.parametrize("shape,scale", [((3, 4), 1e-7), ((7,), 1e-3), ((2, 3, 2), 0.5)],
                         ids=["3x4-close", "7-near", "2x3x2-far"])
def test_rel_error_of_two_arrays(student, ref, rng, expect, shape, scale):
    """The normwise relative error of two arrays"""
    a, b = close_pair(rng, shape, scale)
    expect(student.rel_error(a, b), ref.rel_error(a, b), name="rel_error", variants=elementwise(a, b))


@pytest.mark.task02_rel_error
@pytest.mark.contract("domain_edge")
def test_rel_error_with_zero_entries(student, ref, rng, expect):
    """Entries that are zero in both arrays (a dead ReLU unit) count as agreeing"""
    a = np.maximum(rng.standard_normal((4, 5)), 0.0)
    b = a + 1e-6 * rng.standard_normal((4, 5)) * (a > 0)
    expect(student.rel_error(a, b), ref.rel_error(a, b), name="rel_error", variants=elementwise(a, b))


@pytest.mark.task02_rel_error
@pytest.mark.contract("domain_edge")
def test_rel_error_of_two_zero_arrays(student, ref, rng, expect):
    """Two all-zero gradients agree: the error is 0, not NaN (and a non-zero pair is measured right)"""
    zeros = np.zeros((3, 2))
    expect(student.rel_error(zeros, zeros.copy()), 0.0, name="rel_error(0, 0)")
    # Paired with a value in the same weight group: a function returning 0 always earns nothing.
    a = rng.standard_normal((3, 2))
    b = a + 0.1 * rng.standard_normal((3, 2))
    expect(student.rel_error(a, b), ref.rel_error(a, b), name="rel_error(a, b)", variants=elementwise(a, b))


@pytest.mark.task02_rel_error
def test_rel_error_of_opposite_arrays(student, ref, rng, expect):
    """Is 1 for b = -a and symmetric in a and b"""
    a = rng.standard_normal((2, 5))
    expect(student.rel_error(a, -a), 1.0, name="rel_error(a, -a)")
    c = a + rng.standard_normal((2, 5))
    expect(student.rel_error(c, a), ref.rel_error(c, a), name="rel_error(b, a)", variants=elementwise(c, a))

