"""Hidden tests: causal_mask, attention_forward and attention_backward.

Attention: batches with and without a head axis, Tq != Tk, d = 1, length-1 sequences, no
mask / causal / per-sequence padding masks of broadcastable shapes, and a fully masked query
row (documented: weights 0, output 0, no gradient; NaN is wrong). Backward: dq, dk, dv scored
separately, from the student's own cache when their forward is right, otherwise from the
documented (q, k, v, weights).
"""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# (leading axes, Tq, Tk, d, dv, mask kind)
CASES = [((3,), 4, 4, 5, 2, None), ((2,), 3, 6, 4, 3, None), ((2, 3), 5, 5, 2, 4, None),
         ((3,), 5, 5, 4, 3, "causal"), ((2, 2), 4, 4, 3, 3, "causal"), ((3,), 4, 6, 3, 2, "padding"),
         ((2,), 4, 4, 1, 1, "padding")]
IDS = ["no mask", "Tq<Tk", "heads", "causal", "heads+causal", "padding Tq<Tk", "d=1 padding"]
# Length-1 sequences: the one weight is 1, so out = v, dq = dk = 0 and dv = dout whatever the
# scores; the same test also checks a single query over four keys, where the scores matter.
LENGTH_ONE = [("length-1 sequences", ((2,), 1, 1, 3, 2, None)), ("one query over four keys", ((2,), 1, 4, 3, 2, None))]
GRADIENTS = ["dq", "dk", "dv"]


def make_mask(rng, kind, lead, tq, tk):
    """None, a shared causal (Tq, Tk) mask, or per-sequence key padding (N, 1.., Tq, Tk)."""
    if kind is None:
        return None
    if kind == "causal":
        return np.tril(np.ones((tq, tk), dtype=bool))
    lengths = rng.integers(1, tk + 1, size=lead[0])
    keys = np.arange(tk)[None, :] < lengths[:, None]
    shape = (lead[0],) + (1,) * (len(lead) - 1) + (tq, tk)
    return np.broadcast_to(keys.reshape((lead[0],) + (1,) * (len(lead) - 1) + (1, tk)), shape).copy()


def make_inputs(rng, lead, tq, tk, d, dv, kind):
    q = rng.standard_normal((*lead, tq, d))
    k = rng.standard_normal((*lead, tk, d))
    v = rng.standard_normal((*lead, tk, dv))
    return q, k, v, make_mask(rng, kind, lead, tq, tk)


def softmax_rows(scores, axis=-1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def forward_variants(q, k, v, mask):
    d = q.shape[-1]
    raw = q @ np.swapaxes(k, -1, -2)
    allowed = np.ones(raw.shape, dtype=bool) if mask is None else np.broadcast_to(mask, raw.shape)

    def masked(scores):
        return np.where(allowed, scores, -1e300)

    variants = {
        "the scores are not scaled: divide q k^T by sqrt(d)": softmax_rows(masked(raw)) @ v,
        "the scores are divided by d: the scale is 1/sqrt(d)": softmax_rows(masked(raw / d)) @ v,
        "the softmax runs over the queries (axis -2): each row of weights, one per query, must sum to 1 "
        "over the keys (axis -1)": softmax_rows(masked(raw / np.sqrt(d)), axis=-2) @ v
        if q.shape[-2] > 1 else None,
    }
    if mask is not None and not allowed.all():
        plain = softmax_rows(raw / np.sqrt(d))
        variants.update({
            "the mask is applied after the softmax (masked weights set to 0): mask the scores with -inf "
            "before the softmax, so that each row still sums to 1": np.where(allowed, plain, 0.0) @ v,
            "the scores are multiplied by the mask: a masked score becomes 0 and exp(0) = 1 still gives "
            "weight; set masked scores to -inf": softmax_rows(raw / np.sqrt(d) * allowed) @ v,
            "the mask is inverted: True means the query MAY attend to that key":
                softmax_rows(np.where(~allowed, raw / np.sqrt(d), -1e300)) @ v
                if (~allowed).any(axis=-1).all() else None,
        })
    return {text: value for text, value in variants.items() if value is not None}


# -- causal_mask ----------------------------------------------------------------------------


def check_causal_mask(student, expect, t):
    got = student.causal_mask(t)
    array = np.asarray(got)
    expected = np.tril(np.ones((t, t)))
    expect(array.astype(np.float64) if array.dtype == bool else got, expected, name="mask", variants={
        "the mask is upper triangular (np.triu): position i may see j <= i, below the diagonal":
            np.triu(np.ones((t, t))),
        "the diagonal is missing: a position may attend to itself": np.tril(np.ones((t, t)), -1),
    })
    if array.dtype != bool:
        raise GradeFailure(f"the mask has dtype {array.dtype}: return a boolean array (np.ones(..., dtype=bool))")


@pytest.mark.task09_causal_mask
@pytest.mark.parametrize("t", [2, 5, 9])
def test_causal_mask(student, expect, t):
    """the (T, T) causal mask: True on and below the diagonal"""
    check_causal_mask(student, expect, t)


@pytest.mark.task09_causal_mask
@pytest.mark.contract("domain_edge")
def test_causal_mask_one_position(student, expect):
    """T = 1: the one position sees itself (and T = 3 in the same test: an all-True mask is wrong there)"""
    check_causal_mask(student, expect, 1)
    check_causal_mask(student, expect, 3)


# -- forward --------------------------------------------------------------------------------


@pytest.mark.task09_attention_forward
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward(student, pair, ref, rng, expect, case):
    """attention output for this shape and mask"""
    q, k, v, mask = make_inputs(rng, *case)
    out, _ = pair(student.attention_forward(q, k, v, mask), "attention_forward")
    expect(out, ref.attention_forward(q, k, v, mask)[0], name="out", variants=forward_variants(q, k, v, mask))


@pytest.mark.task09_attention_forward
@pytest.mark.contract("domain_edge")
def test_forward_length_one_sequences(student, pair, ref, rng, expect):
    """length-1 sequences (out = v), then one query over four keys"""
    for label, case in LENGTH_ONE:
        q, k, v, mask = make_inputs(rng, *case)
        out, _ = pair(student.attention_forward(q, k, v, mask), "attention_forward")
        expect(out, ref.attention_forward(q, k, v, mask)[0], name=f"out for {label}",
               variants=forward_variants(q, k, v, mask))


@pytest.mark.task09_attention_forward
def test_forward_mask_defaults_to_none(student, pair, ref, rng, expect):
    """called with three arguments: no mask"""
    q, k, v, _ = make_inputs(rng, (2,), 3, 4, 3, 2, None)
    out, _ = pair(student.attention_forward(q, k, v), "attention_forward")
    expect(out, ref.attention_forward(q, k, v)[0], name="out", variants=forward_variants(q, k, v, None))


@pytest.mark.task09_attention_forward
@pytest.mark.contract("domain_edge")
def test_forward_fully_masked_row(student, pair, ref, rng, expect):
    """a query that may attend to no key: its weights and output are 0 (documented), not NaN"""
    q, k, v, _ = make_inputs(rng, (2,), 3, 4, 3, 2, None)
    mask = np.ones((2, 3, 4), dtype=bool)
    mask[0, 1] = False
    mask[1, 2, :3] = False
    out, _ = pair(student.attention_forward(q, k, v, mask), "attention_forward")
    out = np.asarray(out, dtype=np.float64)
    if out.shape == (2, 3, 2) and not np.isfinite(out[0, 1]).all():
        raise GradeFailure("the output row of a fully masked query is NaN or inf: its max score is -inf, and "
                           "-inf - (-inf) is NaN. Shift such rows by 0 and divide only by positive row sums: "
                           "its weights and output must be 0")
    expect(out, ref.attention_forward(q, k, v, mask)[0], name="out with a fully masked row", variants={
        "a fully masked row attends uniformly to all keys (masked with a large finite negative number): "
        "its documented output is 0": np.where(np.arange(3)[None, :, None] == np.array([[1], [-1]])[:, :, None],
                                                v.mean(axis=1, keepdims=True),
                                                ref.attention_forward(q, k, v, mask)[0])})


@pytest.mark.task09_attention_forward
def test_forward_large_scores(student, pair, ref, rng, expect):
    """queries and keys of size 30: scores in the thousands do not overflow"""
    q, k, v, mask = make_inputs(rng, (2,), 4, 4, 3, 2, "causal")
    out, _ = pair(student.attention_forward(30.0 * q, 30.0 * k, v, mask), "attention_forward")
    expect(out, ref.attention_forward(30.0 * q, 30.0 * k, v, mask)[0], name="out for large scores")


@pytest.mark.task09_attention_forward
def test_forward_length_one_copies_the_value(student, pair, rng, expect):
    """one key: every query copies its value, whatever the scores"""
    q, k, v = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 1, 4)), rng.standard_normal((3, 1, 5))
    out, _ = pair(student.attention_forward(q, k, v), "attention_forward")
    expect(out, np.broadcast_to(v, (3, 2, 5)), name="out with a single key")


# -- backward -------------------------------------------------------------------------------


def backward_variants(q, k, v, weights, dout, gradient):
    d = q.shape[-1]
    dp = dout @ np.swapaxes(v, -1, -2)
    ds_unscaled = weights * (dp - (dp * weights).sum(axis=-1, keepdims=True))
    ds = ds_unscaled / np.sqrt(d)
    ds_elementwise = weights * (1.0 - weights) * dp / np.sqrt(d)
    square = q.shape[-2] == k.shape[-2]
    return {
        "dq": {"the 1/sqrt(d) scale is missing in the backward (it scaled the scores, so it scales dS)":
                   ds_unscaled @ k,
               "the softmax backward is elementwise, P * (1 - P) * dP: each weight depends on the whole row":
                   ds_elementwise @ k},
        "dk": {"the 1/sqrt(d) scale is missing in the backward (it scaled the scores, so it scales dS)":
                   np.swapaxes(ds_unscaled, -1, -2) @ q,
               **({"dk = dS @ q: the key gradient needs the transpose, dS^T @ q": ds @ q} if square else {}),
               "the softmax backward is elementwise, P * (1 - P) * dP: each weight depends on the whole row":
                   np.swapaxes(ds_elementwise, -1, -2) @ q},
        "dv": {"dv = P @ dout: the value gradient needs the transpose, P^T @ dout": weights @ dout} if square else {},
    }[gradient]


@pytest.mark.task09_attention_backward
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward(student, ref, rng, expect, own_cache, case, gradient):
    """one gradient of attention, from your own forward cache"""
    q, k, v, mask = make_inputs(rng, *case)
    dout = rng.standard_normal((*q.shape[:-1], v.shape[-1]))
    grads = returned(student.attention_backward(dout, own_cache("attention_forward", q, k, v, mask)),
                     "attention_backward", "dq, dk, dv")
    reference_cache = ref.attention_forward(q, k, v, mask)[1]
    index = GRADIENTS.index(gradient)
    expect(grads[index], ref.attention_backward(dout, reference_cache)[index], name=gradient, kind="gradients",
           variants=backward_variants(q, k, v, reference_cache[3], dout, gradient))


@pytest.mark.task09_attention_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", GRADIENTS)
def test_backward_length_one_sequences(student, ref, rng, expect, own_cache, gradient):
    """one gradient for length-1 sequences (dq = dk = 0, dv = dout), then for one query over four keys"""
    index = GRADIENTS.index(gradient)
    for label, case in LENGTH_ONE:
        q, k, v, mask = make_inputs(rng, *case)
        dout = rng.standard_normal((*q.shape[:-1], v.shape[-1]))
        grads = returned(student.attention_backward(dout, own_cache("attention_forward", q, k, v, mask)),
                         "attention_backward", "dq, dk, dv")
        reference_cache = ref.attention_forward(q, k, v, mask)[1]
        expect(grads[index], ref.attention_backward(dout, reference_cache)[index], name=f"{gradient} for {label}",
               kind="gradients", variants=backward_variants(q, k, v, reference_cache[3], dout, gradient))


@pytest.mark.task09_attention_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", GRADIENTS)
def test_backward_fully_masked_row(student, ref, rng, expect, own_cache, gradient):
    """a fully masked query row passes no gradient, and nothing is NaN"""
    q, k, v, _ = make_inputs(rng, (2,), 3, 3, 2, 2, None)
    mask = np.tril(np.ones((3, 3), dtype=bool), -1)  # query 0 may attend to nothing
    dout = rng.standard_normal((2, 3, 2))
    grads = returned(student.attention_backward(dout, own_cache("attention_forward", q, k, v, mask)),
                     "attention_backward", "dq, dk, dv")
    index = GRADIENTS.index(gradient)
    expect(grads[index], ref.attention_backward(dout, ref.attention_forward(q, k, v, mask)[1])[index],
           name=f"{gradient} with a fully masked row", kind="gradients")
