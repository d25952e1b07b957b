"""Hidden tests: reconstruction_loss, the tied linear autoencoder and the non-linear autoencoder
(forward values, every gradient through the student's own cache, known mistakes)."""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# (N, D, K): a single sample, D == K (where an untransposed w.T still has the right shape),
# a code of size 1, a wide one
SHAPES = [(1, 4, 2), (5, 6, 3), (3, 4, 4), (4, 3, 1), (2, 7, 5)]
SHAPE_IDS = ["N=1", "N=5,D>K", "D=K", "K=1", "N=2,D=7,K=5"]


def forward_for_backward(student, ref, forward, args):
    """(the student's cache, the reference x_hat and cache) once the student's forward is right:
    a backward is graded on the cache of the student's own forward."""
    x_hat, cache = returned(getattr(student, forward)(*args), forward, "x_hat, cache")
    want_hat, ref_cache = getattr(ref, forward)(*args)
    if np.shape(x_hat) != want_hat.shape or not np.allclose(x_hat, want_hat, rtol=1e-6, atol=1e-8):
        backward = forward.replace("_forward", "_backward")
        raise GradeFailure(f"cannot check {backward}: your {forward} gives wrong values (its cache feeds the "
                           f"backward); fix {forward} first")
    return cache, want_hat, ref_cache


# -- reconstruction loss -----------------------------------------------------------------------

def loss_variants(x_hat, x):
    diff = x_hat - x
    n = x.shape[0]
    variants = {"the gradient is (2/N)(x_hat - x); the factor 2 is missing": (None, diff / n),
                "(x - x_hat): the sign of the gradient is flipped": (None, -2.0 * diff / n)}
    if diff.size != n:
        variants["averaged over every entry (N*D, like mse) instead of over the N samples: sum over the features"] = \
            (float(np.sum(diff * diff) / diff.size), 2.0 * diff / diff.size)
    return variants


@pytest.mark.task10_reconstruction_loss
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("output", ["loss", "dx_hat"])
@pytest.mark.parametrize("shape", [(1, 5), (4, 3), (6, 1), (3, 8)], ids=["N=1", "N=4", "D=1", "D=8"])
def test_reconstruction_loss(student, ref, rng, expect, shape, output):
    """summed over features, averaged over samples, and its gradient"""
    x_hat, x = rng.standard_normal(shape) * 2.0, rng.standard_normal(shape)
    got = returned(student.reconstruction_loss(x_hat, x), "reconstruction_loss", "loss, dx_hat")
    want = ref.reconstruction_loss(x_hat, x)
    index = 0 if output == "loss" else 1
    variants = {k: v[index] for k, v in loss_variants(x_hat, x).items() if v[index] is not None}
    expect(got[index], want[index], name=output, kind="values" if index == 0 else "gradients", variants=variants)


@pytest.mark.task10_reconstruction_loss
@pytest.mark.weight(0.5)
def test_reconstruction_loss_of_a_perfect_reconstruction(student, ref, rng, expect):
    """a perfect reconstruction costs 0 with a zero gradient (and an imperfect one does not)"""
    x = rng.standard_normal((3, 4))
    loss, dx_hat = returned(student.reconstruction_loss(x.copy(), x), "reconstruction_loss", "loss, dx_hat")
    expect(loss, 0.0, name="loss")
    expect(dx_hat, np.zeros_like(x), name="dx_hat", kind="gradients")
    x_hat = x + rng.standard_normal(x.shape)
    loss, dx_hat = returned(student.reconstruction_loss(x_hat, x), "reconstruction_loss", "loss, dx_hat")
    want_loss, want_dx_hat = ref.reconstruction_loss(x_hat, x)
    expect(loss, want_loss, name="loss of an imperfect reconstruction")
    expect(dx_hat, want_dx_hat, name="dx_hat of an imperfect reconstruction", kind="gradients")


# -- tied linear autoencoder -------------------------------------------------------------------

def tied_inputs(rng, n, d, k):
    return (rng.standard_normal((n, d)), rng.standard_normal((d, k)) / np.sqrt(d), 0.3 * rng.standard_normal(k),
            0.3 * rng.standard_normal(d))


@pytest.mark.task10_tied_autoencoder_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_tied_forward(student, ref, rng, expect, shape):
    """x_hat = (x w + b_enc) w.T + b_dec"""
    x, w, b_enc, b_dec = args = tied_inputs(rng, *shape)
    x_hat, _ = returned(student.tied_autoencoder_forward(*args), "tied_autoencoder_forward", "x_hat, cache")
    z = x @ w + b_enc
    variants = {"the decoder must use the transposed weights: x_hat = z @ w.T + b_dec": z @ w + b_dec
                if w.shape[0] == w.shape[1] else None,
                "the code's bias b_enc is missing: z = x @ w + b_enc": (x @ w) @ w.T + b_dec,
                "the decoder's bias b_dec is missing": z @ w.T}
    expect(x_hat, ref.tied_autoencoder_forward(*args)[0], name="x_hat",
           variants={k: v for k, v in variants.items() if v is not None})


def tied_backward_variants(x, w, z, dx_hat):
    dz = dx_hat @ w
    variants = {
        "dw": {"dw has only the encoder's part x.T @ dz: w is also the decoder's weight (transposed), add dx_hat.T @ z":
               x.T @ dz,
               "dw has only the decoder's part dx_hat.T @ z: w is also the encoder's weight, add x.T @ dz":
               dx_hat.T @ z},
        "dx": {"dx is dz @ w.T with dz = dx_hat @ w": dx_hat},
        "db_enc": {}, "db_dec": {},
    }
    if w.shape[0] == w.shape[1]:
        variants["dw"]["the decoder's part is not transposed back: it is dx_hat.T @ z (D, K), not z.T @ dx_hat"] = \
            x.T @ dz + z.T @ dx_hat
    return variants


def tied_backward(student, ref, rng, expect, shape, gradient):
    x, w, b_enc, b_dec = args = tied_inputs(rng, *shape)
    cache, want_hat, ref_cache = forward_for_backward(student, ref, "tied_autoencoder_forward", args)
    dx_hat = rng.standard_normal(want_hat.shape)
    got = returned(student.tied_autoencoder_backward(dx_hat, cache), "tied_autoencoder_backward", "dx, dw, db_enc, db_dec")
    want = ref.tied_autoencoder_backward(dx_hat, ref_cache)
    names = ["dx", "dw", "db_enc", "db_dec"]
    index = names.index(gradient)
    variants = tied_backward_variants(x, w, ref_cache[2], dx_hat)[gradient]
    expect(got[index], want[index], name=gradient, kind="gradients", variants=variants)


@pytest.mark.task10_tied_autoencoder_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", ["dx", "dw", "db_enc", "db_dec"])
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_tied_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of the tied autoencoder, through your forward's cache"""
    tied_backward(student, ref, rng, expect, shape, gradient)


@pytest.mark.task10_tied_autoencoder_backward
@pytest.mark.weight(2)
def test_tied_backward_matches_central_differences(student, rng):
    """dw equals central differences of sum(x_hat * dx_hat) with respect to w"""
    x, w, b_enc, b_dec = tied_inputs(rng, 3, 4, 2)
    dx_hat = rng.standard_normal((3, 4))
    _, cache = returned(student.tied_autoencoder_forward(x, w, b_enc, b_dec), "tied_autoencoder_forward", "x_hat, cache")
    _, dw, _, _ = returned(student.tied_autoencoder_backward(dx_hat, cache), "tied_autoencoder_backward",
                           "dx, dw, db_enc, db_dec")
    numeric = np.zeros_like(w)
    h = 1e-6
    for i in np.ndindex(w.shape):  # the forward is exact in numpy here: no student call needed
        plus, minus = w.copy(), w.copy()
        plus[i] += h
        minus[i] -= h
        f = [np.sum(((x @ m + b_enc) @ m.T + b_dec) * dx_hat) for m in (plus, minus)]
        numeric[i] = (f[0] - f[1]) / (2 * h)
    dw = np.asarray(dw, dtype=np.float64)
    if dw.shape != w.shape or not np.allclose(dw, numeric, rtol=1e-5, atol=1e-6):
        raise GradeFailure(f"dw disagrees with central differences (max abs error "
                           f"{np.abs(dw - numeric).max() if dw.shape == w.shape else 'shape ' + str(dw.shape)}): "
                           f"w is used twice, by the encoder and (transposed) by the decoder; add both parts")


# -- non-linear autoencoder --------------------------------------------------------------------

def ae_inputs(rng, n, d, k, *, scale=1.0):
    return (rng.random((n, d)) * scale, rng.standard_normal((d, k)) / np.sqrt(d), 0.2 * rng.standard_normal(k),
            rng.standard_normal((k, d)) / np.sqrt(k), 0.2 * rng.standard_normal(d))


def ae_forward_variants(x, w1, b1, w2, b2):
    z = np.tanh(x @ w1 + b1)
    a = z @ w2 + b2
    return {"the encoder must use tanh: z = tanh(x @ w1 + b1)": 0.5 * (1 + np.tanh(0.5 * ((x @ w1 + b1) @ w2 + b2))),
            "the decoder must use a sigmoid: x_hat = sigmoid(z @ w2 + b2)": np.tanh(a),
            "the sigmoid is missing on the decoder: x_hat = sigmoid(z @ w2 + b2)": a}


@pytest.mark.task10_autoencoder_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_autoencoder_forward(student, ref, rng, expect, shape):
    """x_hat = sigmoid(tanh(x w1 + b1) w2 + b2)"""
    args = ae_inputs(rng, *shape)
    x_hat, _ = returned(student.autoencoder_forward(*args), "autoencoder_forward", "x_hat, cache")
    expect(x_hat, ref.autoencoder_forward(*args)[0], name="x_hat", variants=ae_forward_variants(*args))


@pytest.mark.task10_autoencoder_forward
@pytest.mark.contract("domain_edge")
def test_autoencoder_forward_binary_inputs(student, ref, rng, expect):
    """binary inputs, both ends of the documented [0, 1] (a binarised image)"""
    x, w1, b1, w2, b2 = ae_inputs(rng, 5, 6, 3)
    x = (x > 0.5).astype(np.float64)
    x[0, 0], x[0, 1] = 0.0, 1.0
    x_hat, _ = returned(student.autoencoder_forward(x, w1, b1, w2, b2), "autoencoder_forward", "x_hat, cache")
    expect(x_hat, ref.autoencoder_forward(x, w1, b1, w2, b2)[0], name="x_hat for binary x",
           variants=ae_forward_variants(x, w1, b1, w2, b2))


@pytest.mark.task10_autoencoder_forward
def test_autoencoder_forward_saturated(student, ref, rng, expect):
    """decoder pre-activations of size 1000 (both signs): a naive sigmoid overflows"""
    x, w1, b1, w2, b2 = ae_inputs(rng, 3, 4, 2)
    b2 = b2 + 1000.0 * np.where(np.arange(4) % 2 == 0, 1.0, -1.0)
    x_hat, _ = returned(student.autoencoder_forward(x, w1, b1, w2, b2), "autoencoder_forward", "x_hat, cache")
    expect(x_hat, ref.autoencoder_forward(x, w1, b1, w2, b2)[0], name="x_hat")


def ae_backward_variants(x, w1, w2, z, x_hat, dx_hat):
    def grads(da2, tanh_slope):
        da1 = (da2 @ w2.T) * tanh_slope
        return {"dx": da1 @ w1.T, "dw1": x.T @ da1, "db1": da1.sum(axis=0), "dw2": z.T @ da2, "db2": da2.sum(axis=0)}

    right_da2 = dx_hat * x_hat * (1.0 - x_hat)
    no_sigmoid = grads(dx_hat, 1.0 - z * z)
    wrong_tanh = grads(right_da2, 1.0 - z)
    return {name: {"the sigmoid's derivative x_hat * (1 - x_hat) is missing": no_sigmoid[name],
                   **({} if name in ("dw2", "db2") else
                      {"used 1 - z instead of 1 - z**2 as the derivative of tanh": wrong_tanh[name]})}
            for name in ("dx", "dw1", "db1", "dw2", "db2")}


AE_GRADIENTS = ["dx", "dw1", "db1", "dw2", "db2"]


@pytest.mark.task10_autoencoder_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", AE_GRADIENTS)
@pytest.mark.parametrize("shape", SHAPES[:4], ids=SHAPE_IDS[:4])
def test_autoencoder_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of the non-linear autoencoder, through your forward's cache"""
    args = ae_inputs(rng, *shape)
    cache, want_hat, ref_cache = forward_for_backward(student, ref, "autoencoder_forward", args)
    dx_hat = rng.standard_normal(want_hat.shape)
    got = returned(student.autoencoder_backward(dx_hat, cache), "autoencoder_backward", ", ".join(AE_GRADIENTS))
    want = ref.autoencoder_backward(dx_hat, ref_cache)
    index = AE_GRADIENTS.index(gradient)
    x, w1, _, w2, _ = args
    variants = ae_backward_variants(x, w1, w2, ref_cache[3], want_hat, dx_hat)[gradient]
    expect(got[index], want[index], name=gradient, kind="gradients", variants=variants)
