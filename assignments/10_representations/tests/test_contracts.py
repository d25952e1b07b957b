"""Hidden tests: the contract of every graded function. float64 inputs give float64 outputs, and
no input is changed in place: the worker compares every array argument, and every array inside
a tuple or list argument (a backward's cache), before and after each call; a second call on the
same inputs must give the same result."""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "sample_negatives": {"dtype": "returns an integer index array only (its integer dtype is tested below)"},
}


def _gen(seed):
    return np.random.default_rng(seed)


def reconstruction_loss(student, rng):
    args = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    return [returned(student.reconstruction_loss(*args), "reconstruction_loss", "loss, dx_hat") for _ in range(2)]


def _tied_args(rng):
    return rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2), rng.standard_normal(4)


def _ae_args(rng):
    return rng.random((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2), rng.standard_normal((2, 4)), \
        rng.standard_normal(4)


def tied_autoencoder_forward(student, rng):
    args = _tied_args(rng)
    return [returned(student.tied_autoencoder_forward(*args), "tied_autoencoder_forward", "x_hat, cache")[:1]
            for _ in range(2)]


def tied_autoencoder_backward(student, rng):
    _, cache = returned(student.tied_autoencoder_forward(*_tied_args(rng)), "tied_autoencoder_forward", "x_hat, cache")
    dx_hat = rng.standard_normal((3, 4))
    return [returned(student.tied_autoencoder_backward(dx_hat, cache), "tied_autoencoder_backward",
                     "dx, dw, db_enc, db_dec") for _ in range(2)]


def autoencoder_forward(student, rng):
    args = _ae_args(rng)
    return [returned(student.autoencoder_forward(*args), "autoencoder_forward", "x_hat, cache")[:1] for _ in range(2)]


def autoencoder_backward(student, rng):
    _, cache = returned(student.autoencoder_forward(*_ae_args(rng)), "autoencoder_forward", "x_hat, cache")
    dx_hat = rng.standard_normal((3, 4))
    return [returned(student.autoencoder_backward(dx_hat, cache), "autoencoder_backward", "dx, dw1, db1, dw2, db2")
            for _ in range(2)]


def masking_noise(student, rng):
    x = rng.standard_normal((4, 5))
    return [(student.masking_noise(x, 0.4, _gen(3)),) for _ in range(2)]


def denoising_autoencoder_loss(student, rng):
    x, *params = _ae_args(rng)
    return [returned(student.denoising_autoencoder_loss(x, *params, 0.3, _gen(4)), "denoising_autoencoder_loss",
                     "loss, dw1, db1, dw2, db2") for _ in range(2)]


def unigram_distribution(student, rng):
    counts = rng.uniform(0.0, 20.0, 7)
    return [(student.unigram_distribution(counts),) for _ in range(2)]


def sgns_loss_vectors(student, rng):
    args = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 2, 4))
    return [returned(student.sgns_loss_vectors(*args), "sgns_loss_vectors", "loss, dv, du_pos, du_neg")
            for _ in range(2)]


def sgns_loss(student, rng):
    args = (rng.standard_normal((5, 3)), rng.standard_normal((5, 3)), np.array([0, 2, 2]), np.array([1, 1, 4]),
            np.array([[1, 3], [3, 3], [0, 2]]))
    return [returned(student.sgns_loss(*args), "sgns_loss", "loss, dw_in, dw_out") for _ in range(2)]


FLOAT_CALLS = [reconstruction_loss, tied_autoencoder_forward, tied_autoencoder_backward, autoencoder_forward,
               autoencoder_backward, masking_noise, denoising_autoencoder_loss, unigram_distribution,
               sgns_loss_vectors, sgns_loss]


def _cases():
    return [pytest.param(call, marks=getattr(pytest.mark, f"task10_{call.__name__}"), id=call.__name__)
            for call in FLOAT_CALLS]


def student_and_reference(student, ref, rng, call):
    """call() on the student's functions and on the reference's, with the same inputs."""
    seed = int(rng.integers(2**32))
    return call(student, _gen(seed)), call(ref, _gen(seed))[0]


def check_values(expect, call, got, want):
    """The outputs' values: a constant of the right dtype earns nothing in a contract test."""
    expect_each(expect, [(f"{call.__name__}: output {i + 1}", value, expected, {})
                         for i, (value, expected) in enumerate(zip(got, want))])


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("call", _cases())
def test_float64_in_float64_out(student, ref, rng, expect, call):
    """float64 inputs give float64 outputs (with the right values)"""
    (got, _), want = student_and_reference(student, ref, rng, call)
    for i, value in enumerate(got):
        dtype = np.asarray(value).dtype
        if dtype != np.float64:
            raise GradeFailure(f"{call.__name__}: output {i + 1} has dtype {dtype} for float64 inputs; keep float64")
    check_values(expect, call, got, want)


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("call", _cases())
def test_pure(student, ref, rng, expect, call):
    """inputs (and the arrays of a cache) are never changed; the same inputs give the same (right) result"""
    (first, second), want = student_and_reference(student, ref, rng, call)
    for i, (a, b) in enumerate(zip(first, second)):
        if not np.array_equal(np.asarray(a), np.asarray(b)):
            raise GradeFailure(f"{call.__name__}: called twice on the same inputs, output {i + 1} changed: "
                               f"something modifies its inputs or keeps state between calls")
    check_values(expect, call, first, want)


@pytest.mark.task10_sample_negatives
@pytest.mark.weight(0.5)
def test_sample_negatives_returns_integers_and_keeps_probs(student, ref, rng, expect):
    """probs is never changed; the indices are integers (and the right ones)"""
    probs = rng.dirichlet(np.ones(6))
    got = np.asarray(student.sample_negatives(probs, 3, 2, _gen(5)))
    if got.dtype.kind not in "iu":
        raise GradeFailure(f"negatives has dtype {got.dtype}: return integer word indices (int64)")
    again = np.asarray(student.sample_negatives(probs, 3, 2, _gen(5)))
    if not np.array_equal(got, again):
        raise GradeFailure("two generators in the same state gave different negatives: draw only from rng")
    # The same test checks the values: a constant index array earns nothing here.
    expect(got, ref.sample_negatives(probs, 3, 2, _gen(5)), name="negatives")
