"""reference.autoencoder: central-difference gradient checks, known values, purity, the PCA
subspace that the tied linear autoencoder recovers on the digits, and masking noise."""

from __future__ import annotations

import numpy as np
import pytest

from reference.autoencoder import (
    autoencoder_backward, autoencoder_forward, denoising_autoencoder_loss, masking_noise,
    reconstruction_loss, tied_autoencoder_backward, tied_autoencoder_forward,
)
from reference.gradcheck import numerical_gradient, rel_error

TOL = 1e-7


def _pair_gradients(forward, backward, args, rng):
    """(analytic, numeric) gradient of sum(forward(*args)[0] * dout) for each array argument."""
    out, cache = forward(*args)
    dout = rng.standard_normal(out.shape)
    analytic = backward(dout, cache)
    pairs = []
    for i, a in enumerate(args):
        def f(value, i=i):
            trial = list(args)
            trial[i] = value
            return float(np.sum(forward(*trial)[0] * dout))
        pairs.append((analytic[i], numerical_gradient(f, a)))
    return pairs


def _tied_args(rng, n=4, d=5, k=3):
    return rng.standard_normal((n, d)), rng.standard_normal((d, k)), rng.standard_normal(k), rng.standard_normal(d)


def _ae_args(rng, n=4, d=6, k=3):
    return (rng.random((n, d)), rng.standard_normal((d, k)), rng.standard_normal(k),
            rng.standard_normal((k, d)), rng.standard_normal(d))


@pytest.mark.parametrize("shape", [(4, 5, 3), (1, 3, 3), (3, 2, 1)])
def test_tied_gradients_match_central_differences(rng, shape):
    for analytic, numeric in _pair_gradients(tied_autoencoder_forward, tied_autoencoder_backward,
                                             _tied_args(rng, *shape), rng):
        assert rel_error(analytic, numeric) < TOL


@pytest.mark.parametrize("shape", [(4, 6, 3), (1, 2, 2), (3, 5, 1)])
def test_autoencoder_gradients_match_central_differences(rng, shape):
    for analytic, numeric in _pair_gradients(autoencoder_forward, autoencoder_backward, _ae_args(rng, *shape), rng):
        assert rel_error(analytic, numeric) < TOL


def test_reconstruction_loss_gradient_and_value(rng):
    x_hat, x = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    loss, dx_hat = reconstruction_loss(x_hat, x)
    assert rel_error(dx_hat, numerical_gradient(lambda a: reconstruction_loss(a, x)[0], x_hat)) < TOL
    # by hand: rows (1, 2) vs (0, 0) and (3, 4) vs (3, 5): (1 + 4 + 0 + 1) / 2 = 3
    loss, dx_hat = reconstruction_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 0.0], [3.0, 5.0]]))
    assert loss == 3.0
    np.testing.assert_array_equal(dx_hat, [[1.0, 2.0], [0.0, -1.0]])


def test_tied_known_values():
    # w = e_1 (D=2, K=1): the code is x's first coordinate, the reconstruction keeps only it
    x = np.array([[3.0, -2.0], [0.5, 7.0]])
    x_hat, (_, _, z) = tied_autoencoder_forward(x, np.array([[1.0], [0.0]]), np.array([1.0]), np.array([0.0, 0.5]))
    np.testing.assert_array_equal(z, [[4.0], [1.5]])
    np.testing.assert_array_equal(x_hat, [[4.0, 0.5], [1.5, 0.5]])


def test_tied_weight_gradient_is_encoder_plus_decoder_part(rng):
    x, w, b_enc, b_dec = _tied_args(rng)
    x_hat, cache = tied_autoencoder_forward(x, w, b_enc, b_dec)
    dx_hat = rng.standard_normal(x_hat.shape)
    z = x @ w + b_enc
    _, dw, _, _ = tied_autoencoder_backward(dx_hat, cache)
    np.testing.assert_allclose(dw, x.T @ (dx_hat @ w) + dx_hat.T @ z, rtol=1e-13)


def test_autoencoder_known_values():
    # zero weights: code 0, reconstruction sigmoid(b2); sigmoid(0) = 1/2, sigmoid(log 3) = 3/4
    x = np.ones((2, 2))
    x_hat, (_, _, _, z, _) = autoencoder_forward(x, np.zeros((2, 1)), np.zeros(1), np.zeros((1, 2)),
                                                 np.array([0.0, np.log(3.0)]))
    np.testing.assert_array_equal(z, np.zeros((2, 1)))
    np.testing.assert_allclose(x_hat, [[0.5, 0.75], [0.5, 0.75]], rtol=1e-15)


def test_autoencoder_large_inputs_stay_finite(rng):
    x, w1, b1, w2, b2 = _ae_args(rng)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        x_hat, cache = autoencoder_forward(x * 1e4, w1 * 100, b1, w2 * 1e4, b2)
        grads = autoencoder_backward(np.ones_like(x_hat), cache)
    assert np.all(np.isfinite(x_hat)) and all(np.all(np.isfinite(g)) for g in grads)


@pytest.mark.parametrize("forward, backward, make", [
    (tied_autoencoder_forward, tied_autoencoder_backward, _tied_args),
    (autoencoder_forward, autoencoder_backward, _ae_args),
], ids=["tied", "non-linear"])
def test_pairs_are_pure_and_keep_float64(rng, forward, backward, make):
    args = make(rng)
    copies = [a.copy() for a in args]
    out, cache = forward(*args)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout.copy(), cache)
    again = backward(dout.copy(), cache)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)
    for g, h, a in zip(grads, again, args):
        np.testing.assert_array_equal(g, h)
        assert g.dtype == np.float64 and g.shape == a.shape
    assert out.dtype == np.float64


def test_masking_noise_zeroes_without_rescaling():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    got = masking_noise(x, 0.5, np.random.default_rng(3))
    keep = np.random.default_rng(3).random((3, 4)) >= 0.5
    np.testing.assert_array_equal(got, np.where(keep, x, 0.0))
    assert 0 < keep.sum() < 12


def test_masking_noise_draws_once_even_at_zero():
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    x = np.ones((2, 3))
    np.testing.assert_array_equal(masking_noise(x, 0.0, rng), x)
    twin.random((2, 3))
    assert rng.random() == twin.random()


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_masking_noise_rejects_bad_probability(p):
    with pytest.raises(ValueError, match=r"^drop_prob: expected a probability in \[0, 1\)"):
        masking_noise(np.ones(3), p, np.random.default_rng(0))


def test_denoising_loss_targets_the_clean_input(rng):
    x, w1, b1, w2, b2 = _ae_args(rng, n=5, d=6, k=2)
    loss, dw1, db1, dw2, db2 = denoising_autoencoder_loss(x, w1, b1, w2, b2, 0.4, np.random.default_rng(9))
    noisy = masking_noise(x, 0.4, np.random.default_rng(9))
    assert not np.array_equal(noisy, x)
    x_hat, cache = autoencoder_forward(noisy, w1, b1, w2, b2)
    want_loss, dx_hat = reconstruction_loss(x_hat, x)
    assert loss == want_loss
    for got, want in zip((dw1, db1, dw2, db2), autoencoder_backward(dx_hat, cache)[1:]):
        np.testing.assert_array_equal(got, want)
    # and the parameter gradients are those of the loss with this noise held fixed
    params = [w1, b1, w2, b2]
    for i, got in enumerate((dw1, db1, dw2, db2)):
        def f(value, i=i):
            trial = list(params)
            trial[i] = value
            return denoising_autoencoder_loss(x, *trial, 0.4, np.random.default_rng(9))[0]
        assert rel_error(got, numerical_gradient(f, params[i])) < TOL


def _principal_angle_cosines(a, b):
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    return np.linalg.svd(qa.T @ qb, compute_uv=False)


def test_tied_linear_autoencoder_recovers_the_pca_subspace_of_the_digits():
    from sklearn.decomposition import PCA

    from reference.data import digits

    x, _ = digits()
    x = x / 16.0
    x = x - x.mean(axis=0)
    k = 2
    pca = PCA(n_components=k).fit(x)
    rng = np.random.default_rng(0)
    w = 0.1 * rng.standard_normal((64, k))
    b_enc, b_dec = np.zeros(k), np.zeros(64)
    # plain gradient descent on the full batch with a step below 1 / (largest curvature)
    step = 0.5 / (4.0 * pca.explained_variance_[0] * 1.5)
    for _ in range(500):
        x_hat, cache = tied_autoencoder_forward(x, w, b_enc, b_dec)
        _, dx_hat = reconstruction_loss(x_hat, x)
        _, dw, db_enc, db_dec = tied_autoencoder_backward(dx_hat, cache)
        w, b_enc, b_dec = w - step * dw, b_enc - step * db_enc, b_dec - step * db_dec
    cosines = _principal_angle_cosines(w, pca.components_.T)
    assert cosines.min() > 1 - 1e-8, cosines
    # its error is PCA's: the optimum of the squared error over rank-K linear maps
    pca_error = np.sum((x - pca.inverse_transform(pca.transform(x))) ** 2) / x.shape[0]
    ae_error, _ = reconstruction_loss(tied_autoencoder_forward(x, w, b_enc, b_dec)[0], x)
    assert ae_error == pytest.approx(pca_error, rel=1e-9)
