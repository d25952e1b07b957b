"""Hidden tests of linear_forward and linear_backward.

The backward gets the cache that the student's own forward returned (passed back untouched),
and each gradient (dx, dw, db) is scored by its own test. Only when the student's forward
fails on an input does the backward get the cache layout the docstring documents, (x, w), so
that a forward bug is not charged twice.
"""

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.errors import StudentError

# (N, shape of one example, M): batch of 1, a single output, more outputs than inputs, a
# multi-axis input that must be flattened, and D = M (where only the values tell dw from dw^T).
CASES = [(1, (3,), 2), (5, (4,), 1), (4, (2,), 7), (3, (2, 3, 2), 5), (6, (4,), 4)]
IDS = ["N1-D3-M2", "N5-D4-M1", "N4-D2-M7", "N3-2x3x2-M5", "N6-D4-M4"]


def layer(rng, n, shape, m):
    d = int(np.prod(shape))
    return rng.standard_normal((n, *shape)), rng.standard_normal((d, m)), rng.standard_normal(m)


@pytest.mark.task02_linear_forward
@pytest.mark.parametrize("n,shape,m", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_linear_forward_values(student, pair, ref, rng, expect, n, shape, m):
    """out = flatten(x) w + b on random inputs"""
    x, w, b = layer(rng, n, shape, m)
    out, _ = pair(student.linear_forward(x, w, b), "linear_forward")
    xf = x.reshape(n, -1)
    expect(out, ref.linear_forward(x, w, b)[0], name="out",
           variants={"the bias b is missing": xf @ w, "b was subtracted instead of added": xf @ w - b})


@pytest.mark.task02_linear_forward
def test_linear_forward_zero_input(student, pair, rng, expect):
    """A zero input gives the bias in every row"""
    w, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    out, _ = pair(student.linear_forward(np.zeros((2, 3)), w, b), "linear_forward")
    expect(out, np.tile(b, (2, 1)), name="out for x = 0")


def backward_case(student, pair, ref, rng, n, shape, m):
    x, w, b = layer(rng, n, shape, m)
    dout = rng.standard_normal((n, m))
    try:
        _, cache = pair(student.linear_forward(x, w, b), "linear_forward")
    except (StudentError, AssertionError):
        cache = (x, w)
    grads = returned(student.linear_backward(dout, cache), "linear_backward", "dx, dw, db")
    expected = ref.linear_backward(dout, ref.linear_forward(x, w, b)[1])
    xf = x.reshape(n, -1)
    variants = {
        "dx": {"dx = dout w, without the transpose (dx = dout w^T)": (dout @ w).reshape(x.shape)
               if w.shape[0] == w.shape[1] else None},
        "dw": {"dw = dout^T x, the transpose of x^T dout (dw must have w's shape (D, M))": (dout.T @ xf)
               if w.shape[0] == w.shape[1] else None,
               "dw averaged over the batch; the loss's gradient already carries the 1/N": xf.T @ dout / n
               if n > 1 else None},
        "db": {"db summed over the wrong axis (the units instead of the batch)": dout.sum(axis=1),
               "db averaged over the batch instead of summed": dout.mean(axis=0) if n > 1 else None},
    }
    return grads, expected, variants


@pytest.mark.task02_linear_backward
@pytest.mark.parametrize("output", ["dx", "dw", "db"])
@pytest.mark.parametrize("n,shape,m", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_linear_backward(student, pair, ref, rng, expect, n, shape, m, output):
    """One gradient of the linear layer, from the student's own forward cache"""
    grads, expected, variants = backward_case(student, pair, ref, rng, n, shape, m)
    index = ["dx", "dw", "db"].index(output)
    known = {k: v for k, v in variants[output].items() if v is not None}
    expect(grads[index], expected[index], name=output, kind="gradients", variants=known)
