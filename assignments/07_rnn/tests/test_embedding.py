"""Hidden tests: embedding_forward and embedding_backward (repeated indices accumulate)."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.worker.errors import StudentException

# (N, T, V, D)
SHAPES = [(1, 1, 3, 2), (2, 5, 4, 3), (3, 4, 10, 1), (4, 6, 3, 5)]
SHAPE_IDS = ["N=T=1", "N=2,T=5", "D=1", "V=3 (many repeats)"]


def indices(rng, n, t, vocab, dtype=np.int64):
    idx = rng.integers(0, vocab, size=(n, t))
    if idx.size > 1:
        idx.flat[-1] = idx.flat[0]  # at least one repeated index
    return idx.astype(dtype)


@pytest.mark.task07_embedding_forward
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_forward_values(student, pair, ref, rng, expect, shape):
    """the looked-up rows"""
    n, t, vocab, dim = shape
    idx, w = indices(rng, n, t, vocab), rng.standard_normal((vocab, dim))
    out, _ = pair(student.embedding_forward(idx, w), "embedding_forward")
    expect(out, ref.embedding_forward(idx, w)[0], name="out")


@pytest.mark.task07_embedding_forward
@pytest.mark.weight(0.5)
def test_forward_int32_indices(student, pair, ref, rng, expect):
    """int32 indices work like int64"""
    idx, w = indices(rng, 2, 3, 6, dtype=np.int32), rng.standard_normal((6, 4))
    out, _ = pair(student.embedding_forward(idx, w), "embedding_forward")
    expect(out, ref.embedding_forward(idx, w)[0], name="out")


@pytest.mark.task07_embedding_forward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("bad", [-1, "V"], ids=["index -1", "index V"])
@pytest.mark.contract("domain_edge")
def test_forward_rejects_out_of_range(student, pair, ref, rng, expect, bad):
    """an index outside [0, V) raises ValueError (and the edge just inside is looked up)"""
    vocab = 5
    idx, w = indices(rng, 2, 3, vocab), rng.standard_normal((vocab, 3))
    # The condition, not just the exception: the nearest valid index (V - 1, or 0) must work, so a
    # function that always raises earns nothing here.
    idx[1, 2] = vocab - 1 if bad == "V" else 0
    out, _ = pair(student.embedding_forward(idx, w), "embedding_forward")
    expect(out, ref.embedding_forward(idx, w)[0], name=f"out with the valid index {idx[1, 2]}")
    idx[1, 2] = vocab if bad == "V" else bad
    try:
        student.embedding_forward(idx, w)
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"an index of {bad} with V = {vocab} raised {error.type_name}, expected ValueError "
                               f"(check the range before indexing)") from None
        return
    raise GradeFailure(f"an index of {bad} with V = {vocab} was accepted: raise ValueError for indices outside "
                       f"[0, V) (NumPy silently wraps negative indices to the end of w)")


def lost_repeats(idx, dout, vocab):
    wrong = np.zeros((vocab, dout.shape[-1]))
    wrong[idx] += dout
    return wrong


def _backward(student, pair, ref, rng, expect, idx, vocab, dim):
    w = rng.standard_normal((vocab, dim))
    out, cache = pair(student.embedding_forward(idx, w), "embedding_forward")
    dout = rng.standard_normal(idx.shape + (dim,))
    dw = student.embedding_backward(dout, cache)
    if isinstance(dw, (tuple, list)):
        raise GradeFailure("embedding_backward should return dw alone (idx has no gradient), not a tuple")
    expect(dw, ref.embedding_backward(dout, ref.embedding_forward(idx, w)[1]), name="dw", kind="gradients",
           variants={"dw[idx] += dout keeps one contribution per repeated index: accumulate with np.add.at":
                     lost_repeats(idx, dout, vocab)})


@pytest.mark.task07_embedding_backward
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_backward(student, pair, ref, rng, expect, shape):
    """dw, with repeated indices"""
    n, t, vocab, dim = shape
    _backward(student, pair, ref, rng, expect, indices(rng, n, t, vocab), vocab, dim)


@pytest.mark.task07_embedding_backward
@pytest.mark.contract("domain_edge")
def test_backward_one_token_everywhere(student, pair, ref, rng, expect):
    """dw when every position holds the same token"""
    _backward(student, pair, ref, rng, expect, np.full((3, 4), 2, dtype=np.int64), 5, 3)


@pytest.mark.task07_embedding_backward
@pytest.mark.weight(0.5)
def test_backward_unused_rows_are_zero(student, pair, ref, rng, expect):
    """rows of tokens that never occur get a zero gradient"""
    _backward(student, pair, ref, rng, expect, np.array([[0, 2], [2, 0]], dtype=np.int64), 6, 4)
