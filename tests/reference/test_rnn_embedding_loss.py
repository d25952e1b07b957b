"""reference.rnn, the sequence-output ops: embedding, temporal linear layer and the masked
temporal softmax loss (their gradient checks, purity and shape errors live in test_rnn.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.rnn import (
    embedding_backward, embedding_forward, temporal_linear_backward, temporal_linear_forward,
    temporal_softmax_cross_entropy,
)


# --- embedding --------------------------------------------------------------------------------

def test_embedding_looks_up_rows():
    w = np.arange(12.0).reshape(4, 3)
    out, _ = embedding_forward(np.array([[2, 0], [2, 3]]), w)
    np.testing.assert_array_equal(out, [[[6, 7, 8], [0, 1, 2]], [[6, 7, 8], [9, 10, 11]]])


def test_embedding_repeated_indices_accumulate():
    idx = np.array([[1, 1, 1], [1, 0, 1]])
    _, cache = embedding_forward(idx, np.zeros((3, 2)))
    dout = np.ones((2, 3, 2))
    dout[1, 2] = 10.0
    dw = embedding_backward(dout, cache)
    np.testing.assert_array_equal(dw, [[1, 1], [14, 14], [0, 0]])


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_embedding_gradient_is_dout_scattered_to_rows(n, t_len, vocab, seed):
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, vocab, size=(n, t_len))
    _, cache = embedding_forward(idx, rng.standard_normal((vocab, 2)))
    dout = rng.standard_normal((n, t_len, 2))
    dw = embedding_backward(dout, cache)
    np.testing.assert_allclose(dw.sum(axis=0), dout.sum(axis=(0, 1)), rtol=1e-12, atol=1e-12)
    for v in range(vocab):
        np.testing.assert_allclose(dw[v], dout[idx == v].sum(axis=0), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("idx, message", [
    (np.array([[0, 4]]), r"^idx: expected indices in \[0, 4\), got values in \[0, 4\]"),
    (np.array([[-1, 2]]), r"^idx: expected indices in \[0, 4\), got values in \[-1, 2\]"),
    (np.array([[0.0, 1.0]]), r"^idx: expected integer indices, got dtype float64"),
])
def test_embedding_rejects_bad_indices(idx, message):
    with pytest.raises(ValueError, match=message):
        embedding_forward(idx, np.zeros((4, 3)))


# --- temporal linear --------------------------------------------------------------------------

def test_temporal_linear_is_the_same_affine_map_at_every_step(rng):
    x, w, b = rng.standard_normal((3, 4, 5)), rng.standard_normal((5, 2)), rng.standard_normal(2)
    out, cache = temporal_linear_forward(x, w, b)
    dout = rng.standard_normal((3, 4, 2))
    dx, dw, db = temporal_linear_backward(dout, cache)
    for t in range(4):
        np.testing.assert_allclose(out[:, t], x[:, t] @ w + b, rtol=1e-13)
        np.testing.assert_allclose(dx[:, t], dout[:, t] @ w.T, rtol=1e-13)
    np.testing.assert_allclose(dw, sum(x[:, t].T @ dout[:, t] for t in range(4)), rtol=1e-13)
    np.testing.assert_allclose(db, dout.reshape(-1, 2).sum(axis=0), rtol=1e-13)


# --- temporal softmax cross-entropy -----------------------------------------------------------

def test_loss_two_classes_by_hand():
    # scores (0, log 3): softmax = (1/4, 3/4); label 1 -> loss = log(4/3), dx = (1/4, -1/4)
    loss, dx = temporal_softmax_cross_entropy(np.array([[[0.0, math.log(3.0)]]]), np.array([[1]]),
                                              np.array([[True]]))
    assert loss == pytest.approx(math.log(4.0 / 3.0), rel=1e-14)
    np.testing.assert_allclose(dx, [[[0.25, -0.25]]], rtol=1e-14)


def test_loss_of_uniform_scores_is_log_v_per_counted_step(rng):
    n, t_len, vocab = 3, 5, 7
    mask = rng.random((n, t_len)) < 0.6
    y = rng.integers(0, vocab, size=(n, t_len))
    loss, dx = temporal_softmax_cross_entropy(np.zeros((n, t_len, vocab)), y, mask)
    assert loss == pytest.approx(mask.sum() * math.log(vocab) / n, rel=1e-14)
    expected = np.full((n, t_len, vocab), 1.0 / vocab)
    expected[np.arange(n)[:, None], np.arange(t_len), y] -= 1.0
    np.testing.assert_allclose(dx, expected * mask[:, :, None] / n, rtol=1e-14, atol=1e-16)


def test_loss_averages_over_batch_and_sums_over_time(rng):
    x, y = rng.standard_normal((2, 3, 4)), rng.integers(0, 4, size=(2, 3))
    mask = np.ones((2, 3), dtype=bool)
    loss, _ = temporal_softmax_cross_entropy(x, y, mask)
    batch_twice, _ = temporal_softmax_cross_entropy(np.concatenate([x, x]), np.concatenate([y, y]),
                                                    np.concatenate([mask, mask]))
    time_twice, _ = temporal_softmax_cross_entropy(np.concatenate([x, x], axis=1), np.concatenate([y, y], axis=1),
                                                   np.concatenate([mask, mask], axis=1))
    assert batch_twice == pytest.approx(loss, rel=1e-14)
    assert time_twice == pytest.approx(2 * loss, rel=1e-14)


def test_masked_steps_contribute_nothing(rng):
    n, t_len, vocab = 3, 4, 5
    x, y = rng.standard_normal((n, t_len, vocab)), rng.integers(0, vocab, size=(n, t_len))
    mask = np.array([[True, True, False, False], [True, False, True, False], [False, False, False, False]])
    loss, dx = temporal_softmax_cross_entropy(x, y, mask)
    # garbage scores and out-of-range padding labels at masked steps change nothing
    x2, y2 = x.copy(), y.copy()
    x2[~mask] = 1e3 * rng.standard_normal((int((~mask).sum()), vocab))
    y2[~mask] = -1
    y2[2, 0] = vocab + 7
    loss2, dx2 = temporal_softmax_cross_entropy(x2, y2, mask)
    assert loss2 == loss
    np.testing.assert_array_equal(dx2, dx)
    assert not dx[~mask].any()
    # and the loss is the sum of the counted steps alone, each computed as one-step problems
    singles = [temporal_softmax_cross_entropy(x[i:i + 1, t:t + 1], y[i:i + 1, t:t + 1], np.array([[True]]))[0]
               for i, t in zip(*np.nonzero(mask))]
    assert loss == pytest.approx(sum(singles) / n, rel=1e-13)


def test_loss_with_nothing_counted_is_zero(rng):
    loss, dx = temporal_softmax_cross_entropy(rng.standard_normal((2, 3, 4)), np.full((2, 3), -1),
                                              np.zeros((2, 3), dtype=bool))
    assert loss == 0.0 and not dx.any()


def test_loss_is_stable_for_huge_scores(rng):
    x = 1e3 * rng.standard_normal((2, 3, 4))
    y = x.argmin(axis=2)
    loss, dx = temporal_softmax_cross_entropy(x, y, np.ones((2, 3), dtype=bool))
    expected = sum(x[i, t].max() - x[i, t, y[i, t]] for i in range(2) for t in range(3)) / 2
    assert loss == pytest.approx(expected, rel=1e-9)
    assert np.isfinite(dx).all()


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 5), st.floats(-50, 50), st.integers(0, 2**32 - 1))
def test_loss_gradient_rows_sum_to_zero_and_shift_invariance(n, t_len, vocab, shift, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, t_len, vocab)), rng.integers(0, vocab, size=(n, t_len))
    mask = rng.random((n, t_len)) < 0.5
    loss, dx = temporal_softmax_cross_entropy(x, y, mask)
    shifted_loss, shifted_dx = temporal_softmax_cross_entropy(x + shift, y, mask)
    np.testing.assert_allclose(dx.sum(axis=2), 0.0, atol=1e-15)
    assert shifted_loss == pytest.approx(loss, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(shifted_dx, dx, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("y, message", [
    (np.array([[0, 4]]), r"^y: expected labels in \[0, 4\) at unmasked steps, got values in \[0, 4\]"),
    (np.array([[-2, 1]]), r"^y: expected labels in \[0, 4\) at unmasked steps"),
    (np.array([[0.0, 1.0]]), r"^y: expected integer labels, got dtype float64"),
])
def test_loss_rejects_bad_labels(y, message):
    with pytest.raises(ValueError, match=message):
        temporal_softmax_cross_entropy(np.zeros((1, 2, 4)), y, np.ones((1, 2), dtype=bool))
