"""reference.attention: gradient checks, known values, masks, purity, dtypes and shape errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference.attention import (
    attention_backward, attention_forward, causal_mask, merge_heads, multihead_attention_backward,
    multihead_attention_forward, positional_encoding, softmax_backward, softmax_forward, split_heads,
)
from reference.gradcheck import gradient_check

SEEDS = [0, 1, 2]


def _padding_mask(lengths, t):
    """(N, T, T): every query may attend to the real keys of its own sequence."""
    keys = np.arange(t)[None, :] < np.asarray(lengths)[:, None]
    return np.broadcast_to(keys[:, None, :], (len(lengths), t, t)).copy()


def _case(name, seed):
    """(forward, backward, args, kwargs) on small random shapes drawn from the seed."""
    rng = np.random.default_rng(seed)
    n, t, tk = (int(s) for s in rng.integers(1, 5, size=3))
    heads = int(rng.integers(1, 4))
    d = heads * int(rng.integers(1, 3))

    def r(*shape):
        return rng.standard_normal(shape)

    if name == "softmax_last":
        return softmax_forward, softmax_backward, [r(n, t, 3)], {}
    if name == "softmax_axis0":
        return softmax_forward, softmax_backward, [r(4, n, t)], {"axis": 0}
    if name == "attention":
        return attention_forward, attention_backward, [r(n, t, 3), r(n, tk, 3), r(n, tk, 2)], {}
    if name == "attention_heads_causal":
        return (attention_forward, attention_backward, [r(n, 2, t, 3), r(n, 2, t, 3), r(n, 2, t, 4)],
                {"mask": causal_mask(t)})
    if name == "multihead":
        args = [r(n, t, d), r(d, 3 * d) / math.sqrt(d), r(3 * d), r(d, d) / math.sqrt(d), r(d)]
        return multihead_attention_forward, multihead_attention_backward, args, {"num_heads": heads}
    if name == "multihead_padding":
        lengths = rng.integers(1, 5, size=n)
        args = [r(n, 4, d), r(d, 3 * d) / math.sqrt(d), r(3 * d), r(d, d) / math.sqrt(d), r(d)]
        return (multihead_attention_forward, multihead_attention_backward, args,
                {"num_heads": heads, "mask": _padding_mask(lengths, 4)})
    raise KeyError(name)


CASES = ["softmax_last", "softmax_axis0", "attention", "attention_heads_causal", "multihead", "multihead_padding"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", CASES)
def test_gradients_match_central_differences(name, seed):
    forward, backward, args, kwargs = _case(name, seed)
    errors = gradient_check(forward, backward, args, kwargs=kwargs, rng=np.random.default_rng(seed))
    assert len(errors) == len(args)
    assert max(errors.values()) <= 1e-7, errors


@pytest.mark.parametrize("name", CASES)
def test_inputs_untouched_and_float64_fresh_outputs(name):
    forward, backward, args, kwargs = _case(name, 7)
    before = [np.array(a, copy=True) for a in [*args, *kwargs.values()] if isinstance(a, np.ndarray)]
    out, cache = forward(*args, **kwargs)
    grads = backward(np.ones_like(out), cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    after = [a for a in [*args, *kwargs.values()] if isinstance(a, np.ndarray)]
    for a, b in zip(after, before):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    for array, arg in zip(grads, args):
        assert array.shape == arg.shape
    for array in (out, *grads):
        assert array.dtype == np.float64
        assert not any(np.shares_memory(array, a) for a in after)


# --- known values -----------------------------------------------------------------------------

def test_softmax_by_hand_along_either_axis():
    x = np.array([[0.0, math.log(3.0)], [1000.0, 1000.0]])
    out, _ = softmax_forward(x)
    np.testing.assert_allclose(out, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)
    out0, _ = softmax_forward(x, axis=0)
    np.testing.assert_allclose(out0.sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_allclose(out0[:, 0], [0.0, 1.0], atol=1e-300)


def test_softmax_backward_of_a_constant_upstream_is_zero(rng):
    # the outputs sum to 1 along the axis, so a gradient that is equal along it changes nothing
    out, cache = softmax_forward(rng.standard_normal((3, 4, 5)), axis=1)
    np.testing.assert_allclose(softmax_backward(np.full(out.shape, 2.5), cache), 0.0, atol=1e-15)


def test_causal_mask_is_lower_triangular():
    np.testing.assert_array_equal(causal_mask(3), [[True, False, False], [True, True, False], [True, True, True]])
    assert causal_mask(1).shape == (1, 1) and causal_mask(1).dtype == bool
    with pytest.raises(ValueError, match="positive integer"):
        causal_mask(0)


def test_attention_by_hand():
    # d = 4, so the scale is 1/2: scores [[0, ln 3]] -> weights [1/4, 3/4]
    q = np.array([[[2.0 * math.log(3.0), 0.0, 0.0, 0.0]]])
    k = np.array([[[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]])
    v = np.array([[[4.0, 0.0], [0.0, 8.0]]])
    out, (_, _, _, weights) = attention_forward(q, k, v)
    np.testing.assert_allclose(weights, [[[0.25, 0.75]]], rtol=1e-15)
    np.testing.assert_allclose(out, [[[1.0, 6.0]]], rtol=1e-15)


def test_equal_keys_average_the_values(rng):
    k = np.tile(rng.standard_normal((1, 1, 3)), (2, 5, 1))
    v = rng.standard_normal((2, 5, 4))
    out, _ = attention_forward(rng.standard_normal((2, 3, 3)), k, v)
    np.testing.assert_allclose(out, np.broadcast_to(v.mean(axis=1, keepdims=True), out.shape), rtol=1e-14)


def test_causal_mask_first_query_copies_the_first_value(rng):
    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 2))
    out, (_, _, _, weights) = attention_forward(q, k, v, causal_mask(4))
    np.testing.assert_allclose(out[:, 0], v[:, 0], rtol=1e-15)
    np.testing.assert_array_equal(np.triu(weights[0], 1), 0.0)
    # a key after the query does not change its output
    v_later = v.copy()
    v_later[:, 3] += 100.0
    np.testing.assert_allclose(attention_forward(q, k, v_later, causal_mask(4))[0][:, :3], out[:, :3], rtol=1e-14)


def test_fully_masked_row_gives_zero_output_and_no_gradient(rng):
    q, k, v = rng.standard_normal((1, 3, 2)), rng.standard_normal((1, 3, 2)), rng.standard_normal((1, 3, 2))
    mask = np.array([[True, True, False], [False, False, False], [True, False, True]])
    out, cache = attention_forward(q, k, v, mask)
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[0, 1], 0.0)
    np.testing.assert_allclose(cache[3].sum(axis=-1), [[1.0, 0.0, 1.0]], rtol=1e-15)
    dq, dk, dv = attention_backward(rng.standard_normal(out.shape), cache)
    np.testing.assert_array_equal(dq[0, 1], 0.0)
    assert all(np.all(np.isfinite(g)) for g in (dq, dk, dv))


def test_attention_rejects_a_float_mask_and_mismatched_shapes(rng):
    q = rng.standard_normal((2, 3, 4))
    with pytest.raises(ValueError, match="boolean"):
        attention_forward(q, q, q, np.ones((3, 3)))
    with pytest.raises(ValueError, match="do not fit"):
        attention_forward(q, q[:, :, :2], q)


def test_split_and_merge_heads_are_inverse(rng):
    x = rng.standard_normal((2, 3, 6))
    heads = split_heads(x, 3)
    assert heads.shape == (2, 3, 3, 2)
    np.testing.assert_array_equal(heads[:, 1], x[:, :, 2:4])
    np.testing.assert_array_equal(merge_heads(heads), x)
    with pytest.raises(ValueError, match="not divisible"):
        split_heads(x, 4)


def test_multihead_with_one_head_and_identity_weights_is_plain_attention(rng):
    d = 4
    x = rng.standard_normal((2, 5, d))
    w_qkv = np.concatenate([np.eye(d)] * 3, axis=1)
    out, _ = multihead_attention_forward(x, w_qkv, np.zeros(3 * d), np.eye(d), np.zeros(d), num_heads=1)
    np.testing.assert_allclose(out, attention_forward(x, x, x)[0], rtol=1e-14)


def test_multihead_heads_see_their_own_columns(rng):
    # two heads, zero queries: every head averages its own value columns, so out = mean over keys
    d = 4
    x = rng.standard_normal((1, 3, d))
    w_qkv = np.concatenate([np.zeros((d, d)), rng.standard_normal((d, d)), np.eye(d)], axis=1)
    w_o = rng.standard_normal((d, d))
    out, _ = multihead_attention_forward(x, w_qkv, np.zeros(3 * d), w_o, np.ones(d), num_heads=2)
    np.testing.assert_allclose(out, np.broadcast_to(x.mean(axis=1, keepdims=True) @ w_o + 1.0, out.shape), rtol=1e-13)


def test_multihead_per_sequence_mask_matches_separate_calls(rng):
    d, heads = 6, 3
    x = rng.standard_normal((2, 4, d))
    params = [rng.standard_normal(shape) for shape in [(d, 3 * d), (3 * d,), (d, d), (d,)]]
    mask = _padding_mask([2, 4], 4)
    out, _ = multihead_attention_forward(x, *params, num_heads=heads, mask=mask)
    for n in range(2):
        alone, _ = multihead_attention_forward(x[n:n + 1, :[2, 4][n]], *params, num_heads=heads)
        np.testing.assert_allclose(out[n:n + 1, :[2, 4][n]], alone, rtol=1e-12)


def test_positional_encoding_by_hand():
    pe = positional_encoding(3, 4)
    p = np.arange(3.0)
    np.testing.assert_allclose(pe, np.stack([np.sin(p), np.cos(p), np.sin(p / 100.0), np.cos(p / 100.0)], axis=1),
                               rtol=1e-15)
    odd = positional_encoding(2, 3, base=16.0)
    np.testing.assert_allclose(odd[1], [math.sin(1.0), math.cos(1.0), math.sin(1.0 / 16.0 ** (2 / 3))], rtol=1e-15)
    with pytest.raises(ValueError, match="positive integers"):
        positional_encoding(0, 4)


def test_positional_encoding_dot_products_depend_on_the_offset_only():
    # sin a sin b + cos a cos b = cos(a - b): <PE_p, PE_q> is a function of p - q
    pe = positional_encoding(12, 8)
    gram = pe @ pe.T
    for offset in range(1, 5):
        diagonal = np.diagonal(gram, offset)
        np.testing.assert_allclose(diagonal, diagonal[0], rtol=1e-12)


def test_shape_errors_name_the_argument(rng):
    x = rng.standard_normal((2, 3, 4))
    with pytest.raises(ValueError, match="w_qkv"):
        multihead_attention_forward(x, np.ones((4, 8)), np.ones(12), np.eye(4), np.ones(4), num_heads=2)
