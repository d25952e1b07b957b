"""Hidden tests: split_heads, merge_heads, multihead_attention_forward and its backward.

Heads: several (N, T, D, h), one head, D/h = 1, and a D not divisible by h (a ValueError).
Multi-head attention: one head, N == h (where a per-sequence mask without its head axis still
broadcasts), causal (T, T) and per-sequence (N, T, T) padding masks, length-1 sequences. The
backward is scored per gradient, from the student's own cache when their forward is right,
otherwise from the documented one.
"""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.errors import StudentException

# (N, T, D, h)
HEAD_SHAPES = [(2, 3, 6, 3), (1, 4, 4, 1), (3, 2, 8, 2), (2, 5, 4, 4), (1, 1, 6, 2)]
HEAD_IDS = ["h=3", "one head", "h=2", "D/h=1", "T=1"]
# (N, T, D, h, mask kind)
MHA_CASES = [(2, 4, 6, 2, None), (3, 3, 4, 1, None), (2, 5, 8, 4, "causal"), (3, 4, 6, 3, "padding"),
             (2, 4, 4, 2, "padding"), (2, 1, 4, 2, None)]
MHA_IDS = ["h=2", "one head", "causal h=4", "padding", "padding N=h", "length 1"]
GRADIENTS = ["dx", "dw_qkv", "db_qkv", "dw_o", "db_o"]


def split(x, h):
    n, t, d = x.shape
    return x.reshape(n, t, h, d // h).transpose(0, 2, 1, 3)


def merge(heads):
    n, h, t, c = heads.shape
    return heads.transpose(0, 2, 1, 3).reshape(n, t, h * c)


# -- split and merge ------------------------------------------------------------------------


@pytest.mark.task09_split_heads
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape", HEAD_SHAPES, ids=HEAD_IDS)
def test_split_heads(student, rng, expect, shape):
    """(N, T, D) -> (N, h, T, D/h), head j holding features [j D/h, (j+1) D/h)"""
    n, t, d, h = shape
    x = rng.standard_normal((n, t, d))
    expect(student.split_heads(x, h), split(x, h), name="heads", variants={
        "reshaped straight to (N, h, T, D/h): that mixes positions and features; reshape to (N, T, h, D/h), "
        "then transpose(0, 2, 1, 3)": x.reshape(n, h, t, d // h),
        "head j takes every h-th feature (reshape to (N, T, D/h, h)): head j owns the block of features "
        "[j D/h, (j+1) D/h)": x.reshape(n, t, d // h, h).transpose(0, 3, 1, 2),
    })


@pytest.mark.task09_split_heads
@pytest.mark.weight(0.5)
def test_split_heads_not_divisible(student, rng, expect):
    """D not divisible by num_heads is a ValueError (and D = 6 with 3 heads is not)"""
    x = rng.standard_normal((2, 3, 6))
    expect(student.split_heads(x, 3), split(x, 3), name="heads for D = 6 and 3 heads")
    try:
        student.split_heads(rng.standard_normal((2, 3, 6)), 4)
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"D = 6 with 4 heads raised {error.type_name}; the docstring asks for a ValueError")
        return
    raise GradeFailure("D = 6 with 4 heads returned a result: raise a ValueError when D % num_heads != 0")


@pytest.mark.task09_merge_heads
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape", HEAD_SHAPES, ids=HEAD_IDS)
def test_merge_heads(student, rng, expect, shape):
    """(N, h, T, C) -> (N, T, h C), head 0's features first"""
    n, t, d, h = shape
    heads = rng.standard_normal((n, h, t, d // h))
    expect(student.merge_heads(heads), merge(heads), name="x", variants={
        "reshaped straight to (N, T, h C) without moving the head axis back: transpose(0, 2, 1, 3) first":
            heads.reshape(n, t, d),
        "the heads are interleaved feature by feature (transpose(0, 2, 3, 1)): put each head's block of "
        "features side by side, head 0 first": heads.transpose(0, 2, 3, 1).reshape(n, t, d),
    })


@pytest.mark.task09_merge_heads
def test_merge_undoes_split(student, rng, expect):
    """merge_heads(split_heads(x)) gives back x (using the reference's split)"""
    x = rng.standard_normal((2, 4, 6))
    expect(student.merge_heads(split(x, 3).copy()), x, name="merged heads")


# -- multi-head forward ---------------------------------------------------------------------


def mha_inputs(rng, n, t, d, h, kind):
    x = rng.standard_normal((n, t, d))
    w_qkv, b_qkv = rng.standard_normal((d, 3 * d)) / np.sqrt(d), 0.2 * rng.standard_normal(3 * d)
    w_o, b_o = rng.standard_normal((d, d)) / np.sqrt(d), 0.2 * rng.standard_normal(d)
    if kind == "causal":
        mask = np.tril(np.ones((t, t), dtype=bool))
    elif kind == "padding":
        keys = np.arange(t)[None, :] < rng.integers(1, t + 1, size=n)[:, None]
        keys[0, : t - 1] = True  # at least one sequence with padding ...
        keys[0, t - 1] = False
        mask = np.broadcast_to(keys[:, None, :], (n, t, t)).copy()
    else:
        mask = None
    return (x, w_qkv, b_qkv, w_o, b_o), {"num_heads": h, "mask": mask}


def attend(q, k, v, mask, scale):
    scores = q @ np.swapaxes(k, -1, -2) / scale
    if mask is not None:
        scores = np.where(mask, scores, -1e300)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)) @ v


def mha(x, w_qkv, b_qkv, w_o, b_o, *, num_heads, mask, order="qkv", scale=None, head_mask=True, merge_fn=merge):
    d = x.shape[2]
    qkv = x @ w_qkv + b_qkv
    blocks = {name: split(qkv[:, :, i * d:(i + 1) * d], num_heads) for i, name in enumerate(order)}
    if mask is not None and mask.ndim == 3 and head_mask:
        mask = mask[:, None]
    heads = attend(blocks["q"], blocks["k"], blocks["v"], mask, scale or np.sqrt(d // num_heads))
    return merge_fn(heads) @ w_o + b_o


def mha_variants(args, kwargs):
    x, w_qkv, b_qkv, w_o, b_o = args
    n, t, d = x.shape
    h = kwargs["num_heads"]
    variants = {
        "the scores are scaled by sqrt(D), the model width: each head's scale is sqrt(D / num_heads), the "
        "width of its queries": mha(*args, **kwargs, scale=np.sqrt(d)) if h > 1 else None,
        "the heads are merged in the wrong order (interleaved feature by feature): put each head's features "
        "side by side, head 0 first": mha(*args, **kwargs, merge_fn=lambda a: a.transpose(0, 2, 3, 1).reshape(n, t, d))
        if h > 1 else None,
        "q and k are taken from swapped column blocks: w_qkv's columns are [q | k | v]":
            mha(*args, **kwargs, order="kqv"),
        "v is taken from the wrong column block: w_qkv's columns are [q | k | v]": mha(*args, **kwargs, order="qvk"),
        "the output projection w_o, b_o is missing": mha(x, w_qkv, b_qkv, np.eye(d), np.zeros(d), **kwargs),
    }
    if kwargs["mask"] is not None and kwargs["mask"].ndim == 3 and n == h:
        variants["the (N, T, T) mask was used without a head axis, so it broadcast against the heads instead of "
                 "the batch: use mask[:, None]"] = mha(*args, **kwargs, head_mask=False)
    return {text: value for text, value in variants.items() if value is not None}


@pytest.mark.task09_multihead_attention_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("case", MHA_CASES, ids=MHA_IDS)
def test_multihead_forward(student, pair, ref, rng, expect, case):
    """multi-head self-attention output"""
    args, kwargs = mha_inputs(rng, *case)
    out, _ = pair(student.multihead_attention_forward(*args, **kwargs), "multihead_attention_forward")
    expect(out, ref.multihead_attention_forward(*args, **kwargs)[0], name="out", variants=mha_variants(args, kwargs))


@pytest.mark.task09_multihead_attention_forward
def test_multihead_forward_mask_defaults_to_none(student, pair, ref, rng, expect):
    """called without mask=: no mask"""
    args, kwargs = mha_inputs(rng, 2, 3, 4, 2, None)
    out, _ = pair(student.multihead_attention_forward(*args, num_heads=2), "multihead_attention_forward")
    expect(out, ref.multihead_attention_forward(*args, **kwargs)[0], name="out", variants=mha_variants(args, kwargs))


@pytest.mark.task09_multihead_attention_forward
def test_multihead_forward_sequences_independent(student, pair, ref, rng, expect):
    """with a padding mask, a sequence's real positions give what the sequence alone gives"""
    args, kwargs = mha_inputs(rng, 2, 4, 6, 3, None)
    x = args[0]
    mask = np.ones((2, 4, 4), dtype=bool)
    mask[1, :, 2:] = False
    whole, _ = pair(student.multihead_attention_forward(*args, num_heads=3, mask=mask), "multihead_attention_forward")
    alone, _ = pair(student.multihead_attention_forward(x[1:, :2].copy(), *args[1:], num_heads=3),
                    "multihead_attention_forward")
    expect(np.asarray(whole)[1:, :2], alone, name="out of a padded sequence's real positions vs the sequence alone")
    # The same test checks the values: a constant output is the same everywhere and earns nothing.
    expect(alone, ref.multihead_attention_forward(x[1:, :2].copy(), *args[1:], num_heads=3)[0],
           name="out of the sequence alone")


# -- multi-head backward --------------------------------------------------------------------


def backward_variants(ref, reference_cache, dout, gradient):
    x, w_qkv, w_o, concat, attention_cache = reference_cache
    h = attention_cache[0].shape[1]

    def through_qkv(dout_heads, order=(0, 1, 2)):
        grads = ref.attention_backward(split(dout_heads, h), attention_cache)
        dqkv = np.concatenate([merge(grads[i]) for i in order], axis=2)
        return {"dx": dqkv @ w_qkv.T, "dw_qkv": np.einsum("ntd,ntk->dk", x, dqkv), "db_qkv": dqkv.sum(axis=(0, 1))}

    if gradient in ("dx", "dw_qkv", "db_qkv"):
        return {
            "dQ, dK, dV are concatenated as [dq | dv | dk]: the order must match the forward's [q | k | v] columns":
                through_qkv(dout @ w_o.T, (0, 2, 1))[gradient],
            "dQ and dK are swapped in the concatenation: the order must match the forward's [q | k | v] columns":
                through_qkv(dout @ w_o.T, (1, 0, 2))[gradient],
            "the gradient of the merged heads is dout @ w_o: it is dout @ w_o.T": through_qkv(dout @ w_o)[gradient],
        }
    if gradient == "dw_o":
        return {"dw_o computed from x instead of the merged heads (w_o multiplies the merged heads)":
                np.einsum("ntd,nte->de", x, dout),
                "dw_o transposed: it is concat^T dout, summed over the batch and the positions":
                np.einsum("ntd,nte->ed", concat, dout)}
    return {"db_o averaged over the batch and positions instead of summed": dout.mean(axis=(0, 1))}


@pytest.mark.task09_multihead_attention_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", GRADIENTS)
@pytest.mark.parametrize("case", MHA_CASES, ids=MHA_IDS)
def test_multihead_backward(student, ref, rng, expect, own_cache, case, gradient):
    """one gradient of multi-head self-attention, from your own forward cache"""
    args, kwargs = mha_inputs(rng, *case)
    dout = rng.standard_normal(args[0].shape)
    cache = own_cache("multihead_attention_forward", *args, **kwargs)
    grads = returned(student.multihead_attention_backward(dout, cache), "multihead_attention_backward",
                     ", ".join(GRADIENTS))
    reference_cache = ref.multihead_attention_forward(*args, **kwargs)[1]
    index = GRADIENTS.index(gradient)
    expect(grads[index], ref.multihead_attention_backward(dout, reference_cache)[index], name=gradient,
           kind="gradients", variants=backward_variants(ref, reference_cache, dout, gradient),
           regions=parameter_regions(gradient, args[0].shape[2], kwargs["num_heads"]))


def parameter_regions(gradient, d, h):
    """Named parts of a parameter gradient, finest first: one head's columns of the query, key or
    value block of w_qkv (or b_qkv), a whole block; one head's rows of w_o."""
    size = d // h
    if gradient in ("dw_qkv", "db_qkv"):
        column = np.arange(3 * d)
        shape = (1, 3 * d) if gradient == "dw_qkv" else (3 * d,)
        regions = {}
        for block, name in enumerate(("query", "key", "value")):
            for j in range(h if h > 1 else 0):
                start = block * d + j * size
                regions[f"head {j}'s {name} columns [{start}, {start + size}) of the {name} block"] = (
                    ((column >= start) & (column < start + size)).reshape(shape))
        for block, name in enumerate(("query", "key", "value")):
            regions[f"the {name} block, columns [{block * d}, {(block + 1) * d})"] = (
                (column // d == block).reshape(shape))
        return regions
    if gradient == "dw_o" and h > 1:
        row = np.arange(d)[:, None]
        return {f"head {j}'s rows [{j * size}, {(j + 1) * size}) of w_o": (row // size == j) for j in range(h)}
    return {}
