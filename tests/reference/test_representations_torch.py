"""reference.autoencoder and reference.word2vec against PyTorch (float64, autograd): the same
computations written with torch ops, every gradient compared.

PyTorch has no SGNS or tied-autoencoder module, so each is written with torch primitives
(F.logsigmoid, F.embedding, F.mse_loss, a shared weight used twice) and differentiated by
autograd. The sampler is compared through its distribution: torch.multinomial uses another
generator, so only the probabilities can agree."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.torch

from reference.autoencoder import (  # noqa: E402
    autoencoder_backward, autoencoder_forward, denoising_autoencoder_loss, masking_noise,
    reconstruction_loss, tied_autoencoder_backward, tied_autoencoder_forward,
)
from reference.gradcheck import rel_error  # noqa: E402
from reference.word2vec import sgns_loss, sgns_loss_vectors, unigram_distribution  # noqa: E402

SEEDS = [0, 1, 2]
TOL = 1e-12
WORST: dict[str, float] = {}


def _leaf(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def _np(t):
    return t.detach().numpy()


def _assert_close(name, pairs):
    errors = [rel_error(ours, theirs) for ours, theirs in pairs]
    WORST[name] = max(WORST.get(name, 0.0), max(errors))
    assert max(errors) <= TOL, errors


def _torch_reconstruction_loss(x_hat, x):
    # summed over features, averaged over samples: D times torch's mean over every entry
    return x.shape[1] * F.mse_loss(x_hat, x)


@pytest.mark.parametrize("seed", SEEDS)
def test_reconstruction_loss_matches_mse_loss(seed):
    rng = np.random.default_rng(seed)
    x_hat, x = rng.standard_normal((5, 7)), rng.standard_normal((5, 7))
    loss, dx_hat = reconstruction_loss(x_hat, x)
    t = _leaf(x_hat)
    tl = _torch_reconstruction_loss(t, torch.tensor(x))
    tl.backward()
    _assert_close("reconstruction_loss", [(loss, tl.item()), (dx_hat, _np(t.grad))])


@pytest.mark.parametrize("seed", SEEDS)
def test_tied_autoencoder_matches_autograd_with_a_shared_weight(seed):
    rng = np.random.default_rng(seed)
    n, d, k = 6, 8, 3
    x, w, b_enc, b_dec = rng.standard_normal((n, d)), rng.standard_normal((d, k)), rng.standard_normal(k), \
        rng.standard_normal(d)
    x_hat, cache = tied_autoencoder_forward(x, w, b_enc, b_dec)
    dx_hat = rng.standard_normal((n, d))
    grads = tied_autoencoder_backward(dx_hat, cache)
    leaves = [_leaf(a) for a in (x, w, b_enc, b_dec)]
    tx, tw, tbe, tbd = leaves
    # torch's Linear stores (out, in): the encoder is Linear(D -> K) with weight w.T, the decoder
    # Linear(K -> D) with weight w, the same tensor
    t_out = F.linear(F.linear(tx, tw.T, tbe), tw, tbd)
    t_out.backward(torch.tensor(dx_hat))
    _assert_close("tied_autoencoder", [(x_hat, _np(t_out))] + [(g, _np(t.grad)) for g, t in zip(grads, leaves)])


@pytest.mark.parametrize("seed", SEEDS)
def test_autoencoder_matches_autograd(seed):
    rng = np.random.default_rng(seed)
    n, d, k = 5, 9, 4
    args = (rng.random((n, d)), rng.standard_normal((d, k)), rng.standard_normal(k), rng.standard_normal((k, d)),
            rng.standard_normal(d))
    x_hat, cache = autoencoder_forward(*args)
    dx_hat = rng.standard_normal((n, d))
    grads = autoencoder_backward(dx_hat, cache)
    leaves = [_leaf(a) for a in args]
    tx, tw1, tb1, tw2, tb2 = leaves
    t_out = torch.sigmoid(torch.tanh(tx @ tw1 + tb1) @ tw2 + tb2)
    t_out.backward(torch.tensor(dx_hat))
    _assert_close("autoencoder", [(x_hat, _np(t_out))] + [(g, _np(t.grad)) for g, t in zip(grads, leaves)])


@pytest.mark.parametrize("seed", SEEDS)
def test_denoising_loss_matches_autograd_on_the_same_noise(seed):
    rng = np.random.default_rng(seed)
    n, d, k = 6, 7, 3
    x = rng.random((n, d))
    params = (rng.standard_normal((d, k)), rng.standard_normal(k), rng.standard_normal((k, d)), rng.standard_normal(d))
    loss, *grads = denoising_autoencoder_loss(x, *params, 0.3, np.random.default_rng(seed + 10))
    noisy = masking_noise(x, 0.3, np.random.default_rng(seed + 10))
    leaves = [_leaf(a) for a in params]
    tw1, tb1, tw2, tb2 = leaves
    t_hat = torch.sigmoid(torch.tanh(torch.tensor(noisy) @ tw1 + tb1) @ tw2 + tb2)
    tl = _torch_reconstruction_loss(t_hat, torch.tensor(x))
    tl.backward()
    _assert_close("denoising_autoencoder_loss", [(loss, tl.item())] + [(g, _np(t.grad)) for g, t in zip(grads, leaves)])


def _torch_sgns(v, u_pos, u_neg):
    s_pos = (u_pos * v).sum(dim=1)
    s_neg = torch.einsum("nkd,nd->nk", u_neg, v)
    return -(F.logsigmoid(s_pos).sum() + F.logsigmoid(-s_neg).sum()) / v.shape[0]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scale", [1.0, 30.0], ids=["moderate", "saturated"])
def test_sgns_vectors_match_logsigmoid_autograd(seed, scale):
    rng = np.random.default_rng(seed)
    args = (scale * rng.standard_normal((4, 6)), scale * rng.standard_normal((4, 6)),
            scale * rng.standard_normal((4, 5, 6)))
    loss, *grads = sgns_loss_vectors(*args)
    leaves = [_leaf(a) for a in args]
    tl = _torch_sgns(*leaves)
    tl.backward()
    _assert_close("sgns_loss_vectors", [(loss, tl.item())] + [(g, _np(t.grad)) for g, t in zip(grads, leaves)])


@pytest.mark.parametrize("seed", SEEDS)
def test_sgns_tables_match_embedding_autograd(seed):
    rng = np.random.default_rng(seed)
    vocab, d, n, k = 7, 4, 12, 3  # 12 pairs over 7 words: rows repeat, also across roles
    w_in, w_out = rng.standard_normal((vocab, d)), rng.standard_normal((vocab, d))
    centers, contexts = rng.integers(0, vocab, n), rng.integers(0, vocab, n)
    negatives = rng.integers(0, vocab, (n, k))
    loss, dw_in, dw_out = sgns_loss(w_in, w_out, centers, contexts, negatives)
    t_in, t_out = _leaf(w_in), _leaf(w_out)
    idx = [torch.tensor(a) for a in (centers, contexts, negatives)]
    tl = _torch_sgns(F.embedding(idx[0], t_in), F.embedding(idx[1], t_out), F.embedding(idx[2], t_out))
    tl.backward()
    _assert_close("sgns_loss", [(loss, tl.item()), (dw_in, _np(t_in.grad)), (dw_out, _np(t_out.grad))])


def test_unigram_distribution_matches_torch_pow():
    counts = np.array([0, 1, 1, 7, 100, 3, 0, 42])
    t = torch.tensor(counts, dtype=torch.float64).pow(0.75)
    _assert_close("unigram_distribution", [(unigram_distribution(counts), _np(t / t.sum()))])


def test_worst_relative_error_is_reported(capsys):
    """Prints the worst relative error per op (run with -s to see it); runs after the others."""
    if not WORST:
        pytest.skip("run together with the other tests of this file")
    with capsys.disabled():
        print("\nworst relative error against torch: " +
              ", ".join(f"{name} {error:.1e}" for name, error in sorted(WORST.items())))
    assert max(WORST.values()) <= TOL
