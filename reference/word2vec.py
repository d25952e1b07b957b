"""Word2vec's skip-gram with negative sampling (SGNS): the noise distribution, a sampler of
negative words, and the loss with its gradients.

    probs                        = unigram_distribution(counts, power=0.75)
    negatives                    = sample_negatives(probs, n, k, rng)
    loss, dv, du_pos, du_neg     = sgns_loss_vectors(v, u_pos, u_neg)
    loss, dw_in, dw_out          = sgns_loss(w_in, w_out, centers, contexts, negatives)

Two tables of embeddings, both (V, D): ``w_in`` holds the centre-word vectors v, ``w_out`` the
context-word vectors u. A training pair (centre c, context o) with K negatives n_1..n_K
contributes -log sigma(u_o . v_c) - sum_k log sigma(-u_{n_k} . v_c); the loss is the mean over
the N pairs of a batch (Mikolov et al., 2013). float64 in gives float64 out; inputs are never
mutated; randomness comes only from an ``rng`` argument. Every body is self-contained or calls a
graded function defined above it (the bodies are inlined into the notebook).
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


def unigram_distribution(counts, power=0.75):
    """The noise distribution of negative sampling: word counts raised to a power, normalised.

    counts: (V,) non-negative word counts (ints or floats), at least one positive (ValueError
    otherwise); power: the exponent, 0.75 in word2vec.
    Returns probs: (V,) float64, summing to 1; a word of count 0 gets probability 0 for every power.
    Formula: P(w) = c_w^{0.75} / \\sum_v c_v^{0.75}.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"counts: expected a non-empty 1-D array, got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0) or not np.any(counts > 0):
        raise ValueError("counts: expected finite non-negative counts, at least one of them positive")
    weights = np.where(counts > 0, counts ** power, 0.0)
    return weights / weights.sum()


def sample_negatives(probs, n, k, rng):
    """Draw K negative words for each of N training pairs, independently, from probs.

    probs: (V,) probabilities summing to 1 (from unigram_distribution); n, k: ints >= 1;
    rng: np.random.Generator.
    Draw with exactly one call, rng.choice(V, size=(n, k), p=probs), so the same generator
    state gives the same words (it draws u = rng.random((n, k)) and returns, for each u, the
    first index whose cumulative probability exceeds u; words of probability 0 never come out).
    Returns negatives: (n, k) int64 word indices in [0, V).
    Formula: n_{ij} \\sim P,\\ i.i.d.
    """
    probs = np.asarray(probs, dtype=np.float64)
    return rng.choice(probs.shape[0], size=(n, k), p=probs).astype(np.int64)


@shapes(v=("N", "D"), u_pos=("N", "D"), u_neg=("N", "K", "D"))
def sgns_loss_vectors(v, u_pos, u_neg):
    """SGNS loss of N pairs given the vectors themselves, and its gradients.

    v: (N, D) centre vectors; u_pos: (N, D) the true context's vectors; u_neg: (N, K, D) the K
    negatives' vectors of each pair.
    Returns (loss, dv, du_pos, du_neg): loss a float (mean over the N pairs, sum over the K
    negatives), dv (N, D), du_pos (N, D), du_neg (N, K, D).
    Formula: L = -\\frac{1}{N} \\sum_n [\\log \\sigma(u_n^T v_n) + \\sum_k \\log \\sigma(-u_{nk}^T v_n)],\\ \\partial L / \\partial (u_n^T v_n) = -\\sigma(-u_n^T v_n) / N,\\ \\partial L / \\partial (u_{nk}^T v_n) = \\sigma(u_{nk}^T v_n) / N.
    """
    n = v.shape[0]
    s_pos = np.sum(u_pos * v, axis=1)                       # (N,)
    s_neg = np.einsum("nkd,nd->nk", u_neg, v)               # (N, K)
    # -log sigma(s) = log(1 + e^{-s}) = logaddexp(0, -s), stable for any s
    loss = (np.sum(np.logaddexp(0.0, -s_pos)) + np.sum(np.logaddexp(0.0, s_neg))) / n
    g_pos = -0.5 * (1.0 - np.tanh(0.5 * s_pos)) / n        # -sigma(-s_pos) / N
    g_neg = 0.5 * (1.0 + np.tanh(0.5 * s_neg)) / n         # sigma(s_neg) / N
    dv = g_pos[:, None] * u_pos + np.einsum("nk,nkd->nd", g_neg, u_neg)
    return float(loss), dv, g_pos[:, None] * v, g_neg[:, :, None] * v[:, None, :]


@shapes(w_in=("V", "D"), w_out=("V", "D"), centers=("N",), contexts=("N",), negatives=("N", "K"))
def sgns_loss(w_in, w_out, centers, contexts, negatives):
    """SGNS loss of a batch of word indices, with the gradients of both embedding tables.

    w_in: (V, D) centre-word embeddings; w_out: (V, D) context-word embeddings; centers: (N,),
    contexts: (N,) and negatives: (N, K) integer word indices in [0, V) (ValueError otherwise).
    Rows that occur several times (in one array, or as a context and a negative) receive the sum
    of their gradients; rows that never occur get 0.
    Returns (loss, dw_in, dw_out): loss a float as in sgns_loss_vectors, dw_in (V, D), dw_out (V, D).
    Formula: L = \\mathrm{sgns\\_loss\\_vectors}(W_{in}[c], W_{out}[o], W_{out}[neg]),\\ dW_{in}[c_n] \\mathrel{+}= dv_n,\\ dW_{out}[o_n] \\mathrel{+}= du_n,\\ dW_{out}[neg_{nk}] \\mathrel{+}= du_{nk}.
    """
    vocab = w_in.shape[0]
    for name, idx in (("centers", centers), ("contexts", contexts), ("negatives", negatives)):
        idx = np.asarray(idx)
        if idx.dtype.kind not in "iu":
            raise ValueError(f"{name}: expected integer word indices, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= vocab):
            raise ValueError(f"{name}: expected indices in [0, {vocab}), got values in [{idx.min()}, {idx.max()}]")
    loss, dv, du_pos, du_neg = sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    dw_in = np.zeros_like(w_in)
    dw_out = np.zeros_like(w_out)
    np.add.at(dw_in, centers, dv)                  # unbuffered: repeated indices accumulate
    np.add.at(dw_out, contexts, du_pos)
    np.add.at(dw_out, negatives, du_neg)
    return loss, dw_in, dw_out
