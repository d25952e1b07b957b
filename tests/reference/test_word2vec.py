"""reference.word2vec: the noise distribution, the negative sampler, and the SGNS loss (central
differences, known values, repeated indices, purity)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reference.gradcheck import numerical_gradient, rel_error
from reference.word2vec import sample_negatives, sgns_loss, sgns_loss_vectors, unigram_distribution

TOL = 1e-7


# --- the noise distribution -------------------------------------------------------------------

def test_unigram_distribution_known_values():
    # 16^0.75 = 8, 1^0.75 = 1: (8, 1, 0, 8) / 17
    np.testing.assert_allclose(unigram_distribution(np.array([16, 1, 0, 16])), np.array([8, 1, 0, 8]) / 17.0,
                               rtol=1e-15)
    np.testing.assert_allclose(unigram_distribution([2.0, 6.0], power=1.0), [0.25, 0.75], rtol=1e-15)


def test_unigram_distribution_zero_counts_stay_zero_for_power_zero():
    np.testing.assert_array_equal(unigram_distribution([0, 5, 9, 0], power=0.0), [0.0, 0.5, 0.5, 0.0])


def test_unigram_distribution_flattens_the_counts():
    counts = np.array([1000.0, 10.0, 1.0])
    probs = unigram_distribution(counts)
    assert probs.sum() == pytest.approx(1.0, abs=1e-15)
    # rare words gain, the frequent one loses, the order stays
    assert probs[0] < counts[0] / counts.sum() and probs[2] > counts[2] / counts.sum()
    assert probs[0] > probs[1] > probs[2]


@pytest.mark.parametrize("counts, message", [
    (np.array([0, 0]), "at least one of them positive"),
    (np.array([3, -1]), "non-negative"),
    (np.ones((2, 2)), "1-D"),
    (np.array([]), "non-empty"),
])
def test_unigram_distribution_rejects_bad_counts(counts, message):
    with pytest.raises(ValueError, match=message):
        unigram_distribution(counts)


# --- the sampler ------------------------------------------------------------------------------

def test_sampler_is_rng_choice_and_never_draws_zero_probability_words():
    probs = unigram_distribution(np.array([5, 0, 1, 5, 0]))
    got = sample_negatives(probs, 400, 5, np.random.default_rng(1))
    assert got.shape == (400, 5) and got.dtype == np.int64
    np.testing.assert_array_equal(got, np.random.default_rng(1).choice(5, size=(400, 5), p=probs))
    assert not np.isin(got, [1, 4]).any()
    # frequencies follow probs (2000 draws: a 5-sigma band)
    freq = np.bincount(got.ravel(), minlength=5) / got.size
    assert np.all(np.abs(freq - probs) < 5 * np.sqrt(probs * (1 - probs) / got.size) + 1e-12)


def test_sampler_is_the_inverse_cdf_of_one_uniform_draw():
    probs = np.array([0.1, 0.0, 0.6, 0.3])
    got = sample_negatives(probs, 3, 4, np.random.default_rng(7))
    u = np.random.default_rng(7).random((3, 4))
    np.testing.assert_array_equal(got, np.searchsorted(np.cumsum(probs), u, side="right"))


# --- the loss on vectors ----------------------------------------------------------------------

def _vectors(rng, n=3, k=4, d=5, scale=1.0):
    return (scale * rng.standard_normal((n, d)), scale * rng.standard_normal((n, d)),
            scale * rng.standard_normal((n, k, d)))


@pytest.mark.parametrize("shape", [(3, 4, 5), (1, 1, 2), (2, 1, 3), (1, 6, 1)])
def test_sgns_vectors_gradients_match_central_differences(rng, shape):
    args = _vectors(rng, *shape)
    _, *grads = sgns_loss_vectors(*args)
    for i, analytic in enumerate(grads):
        def f(value, i=i):
            trial = list(args)
            trial[i] = value
            return sgns_loss_vectors(*trial)[0]
        assert rel_error(analytic, numerical_gradient(f, args[i])) < TOL


def test_sgns_vectors_known_values():
    # v = 0: every score is 0, sigma(0) = 1/2, loss = (1 + K) log 2
    v, u_pos, u_neg = np.zeros((2, 3)), np.ones((2, 3)), np.full((2, 4, 3), 2.0)
    loss, dv, du_pos, du_neg = sgns_loss_vectors(v, u_pos, u_neg)
    assert loss == pytest.approx(5 * math.log(2.0), rel=1e-15)
    # dv = (-1/2 u_pos + 1/2 sum_k u_neg) / N = (-0.5 + 4) / 2 per entry
    np.testing.assert_allclose(dv, np.full((2, 3), 1.75), rtol=1e-15)
    np.testing.assert_array_equal(du_pos, np.zeros((2, 3)))
    np.testing.assert_array_equal(du_neg, np.zeros((2, 4, 3)))
    # one pair, one negative, scores s_pos = 2 and s_neg = -1 (D = 1)
    loss, dv, du_pos, du_neg = sgns_loss_vectors(np.array([[1.0]]), np.array([[2.0]]), np.array([[[-1.0]]]))
    sig = lambda s: 1.0 / (1.0 + math.exp(-s))  # noqa: E731
    assert loss == pytest.approx(-math.log(sig(2.0)) - math.log(sig(1.0)), rel=1e-15)
    assert dv[0, 0] == pytest.approx(-sig(-2.0) * 2.0 + sig(-1.0) * -1.0, rel=1e-14)
    assert du_pos[0, 0] == pytest.approx(-sig(-2.0), rel=1e-14)
    assert du_neg[0, 0, 0] == pytest.approx(sig(-1.0), rel=1e-14)


def test_sgns_vectors_stable_for_huge_scores(rng):
    v, u_pos, u_neg = _vectors(rng, scale=40.0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, *grads = sgns_loss_vectors(v, u_pos, u_neg)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads)
    # a confident right answer costs nothing: positive score +1000, negative scores -1000
    d = np.array([[1.0]])
    loss, *_ = sgns_loss_vectors(d, 1000.0 * d, np.full((1, 3, 1), -1000.0))
    assert loss == 0.0


# --- the loss on tables -----------------------------------------------------------------------

def _tables(rng, vocab=6, d=3):
    return rng.standard_normal((vocab, d)), rng.standard_normal((vocab, d))


def test_sgns_gradients_match_central_differences_with_repeats(rng):
    w_in, w_out = _tables(rng)
    centers = np.array([0, 2, 2, 5])
    contexts = np.array([1, 1, 3, 2])
    negatives = np.array([[1, 4], [4, 4], [0, 3], [2, 2]])  # 1 and 3 are also contexts, 2 a centre
    _, dw_in, dw_out = sgns_loss(w_in, w_out, centers, contexts, negatives)
    f_in = lambda w: sgns_loss(w, w_out, centers, contexts, negatives)[0]  # noqa: E731
    f_out = lambda w: sgns_loss(w_in, w, centers, contexts, negatives)[0]  # noqa: E731
    assert rel_error(dw_in, numerical_gradient(f_in, w_in)) < TOL
    assert rel_error(dw_out, numerical_gradient(f_out, w_out)) < TOL


def test_sgns_is_the_vector_loss_scattered(rng):
    w_in, w_out = _tables(rng, vocab=5)
    centers, contexts, negatives = np.array([3, 3]), np.array([0, 0]), np.array([[0, 0, 1]] * 2)
    loss, dw_in, dw_out = sgns_loss(w_in, w_out, centers, contexts, negatives)
    want, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    assert loss == want
    np.testing.assert_allclose(dw_in[3], dv.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(dw_out[0], du_pos.sum(axis=0) + du_neg[:, :2].sum(axis=(0, 1)), rtol=1e-14)
    np.testing.assert_allclose(dw_out[1], du_neg[:, 2].sum(axis=0), rtol=1e-14)
    for row in (0, 1, 2, 4):
        np.testing.assert_array_equal(dw_in[row], 0.0)
    np.testing.assert_array_equal(dw_out[[2, 3, 4]], 0.0)


@pytest.mark.parametrize("which, value, message", [
    ("centers", np.array([0, 6]), r"^centers: expected indices in \[0, 6\), got values in \[0, 6\]"),
    ("negatives", np.array([[-1], [2]]), r"^negatives: expected indices in \[0, 6\)"),
    ("contexts", np.array([0.0, 1.0]), r"^contexts: expected integer word indices"),
])
def test_sgns_rejects_bad_indices(rng, which, value, message):
    args = {"centers": np.array([0, 1]), "contexts": np.array([2, 3]), "negatives": np.array([[4], [5]])}
    args[which] = value
    with pytest.raises(ValueError, match=message):
        sgns_loss(*_tables(rng), **args)


def test_sgns_is_pure_and_keeps_float64(rng):
    w_in, w_out = _tables(rng)
    arrays = [w_in, w_out, np.array([0, 1, 1]), np.array([2, 2, 3]), np.array([[4, 5], [5, 5], [0, 1]])]
    copies = [a.copy() for a in arrays]
    loss, dw_in, dw_out = sgns_loss(*arrays)
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)
    assert isinstance(loss, float) and dw_in.dtype == dw_out.dtype == np.float64
    vectors = _vectors(rng)
    copies = [a.copy() for a in vectors]
    sgns_loss_vectors(*vectors)
    for a, c in zip(vectors, copies):
        np.testing.assert_array_equal(a, c)
