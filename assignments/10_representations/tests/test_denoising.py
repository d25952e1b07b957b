"""Hidden tests: masking_noise (the documented draw, no rescaling, the probability's range) and
denoising_autoencoder_loss (the clean target, the same noise as masking_noise)."""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.errors import StudentException


def new_seed(rng):
    return int(rng.integers(2**32))


def generator(seed):
    return np.random.default_rng(seed)


# -- masking noise -----------------------------------------------------------------------------

def noise_variants(x, p, seed):
    u = generator(seed).random(x.shape)
    keep = u >= p
    variants = {"kept an entry with probability p: p is the probability to DROP (keep u >= p, not u < p)":
                np.where(u < p, x, 0.0)}
    if p > 0:
        variants["the survivors were rescaled by 1 / (1 - p) as in dropout: masking noise only zeroes entries"] = \
            np.where(keep, x, 0.0) / (1 - p)
    return variants


@pytest.mark.task10_masking_noise
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("shape, p", [((4, 5), 0.3), ((1, 6), 0.5), ((3, 1), 0.25), ((2, 3, 4), 0.6),
                                     ((6, 8), 0.95)],
                         ids=["4x5 p=0.3", "one sample", "one feature", "3-D input", "p=0.95 near the excluded 1"])
def test_masking_noise_values(student, ref, rng, expect, shape, p):
    """the documented draw keep = rng.random(x.shape) >= drop_prob, same generator state"""
    check_noise(student, ref, rng, expect, shape, p)


def check_noise(student, ref, rng, expect, shape, p):
    x, seed = rng.random(shape) + 0.5, new_seed(rng)
    got = student.masking_noise(x, p, generator(seed))
    expect(got, ref.masking_noise(x, p, generator(seed)), name=f"x_noisy for drop_prob = {p}",
           variants=noise_variants(x, p, seed))


@pytest.mark.task10_masking_noise
@pytest.mark.contract("domain_edge")
def test_masking_noise_p_zero(student, ref, rng, expect):
    """drop_prob = 0 keeps every entry (and drop_prob = 0.3 in the same test: returning x is wrong there)"""
    check_noise(student, ref, rng, expect, (5, 4), 0.0)
    check_noise(student, ref, rng, expect, (5, 4), 0.3)


@pytest.mark.task10_masking_noise
@pytest.mark.weight(0.5)
def test_masking_noise_fraction(student, rng):
    """on 20000 ones, the fraction zeroed is close to drop_prob"""
    out = np.asarray(student.masking_noise(np.ones((100, 200)), 0.3, generator(new_seed(rng))), dtype=np.float64)
    if out.shape != (100, 200):
        raise GradeFailure(f"x_noisy has shape {out.shape}, expected x's shape (100, 200)")
    dropped = float(np.mean(out == 0))
    if abs(dropped - 0.3) > 0.02:
        raise GradeFailure(f"{dropped:.3f} of the entries were zeroed, expected about drop_prob = 0.3")


@pytest.mark.task10_masking_noise
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("p", [1.0, -0.2], ids=["p=1", "p<0"])
def test_masking_noise_rejects_bad_probability(student, ref, rng, expect, p):
    """drop_prob outside [0, 1) raises ValueError (and 0.5 is accepted)"""
    check_noise(student, ref, rng, expect, (2, 3), 0.5)
    try:
        student.masking_noise(np.ones((2, 3)), p, generator(0))
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"drop_prob = {p} raised {error.type_name}, expected ValueError") from None
        return
    raise GradeFailure(f"drop_prob = {p} was accepted: raise ValueError unless 0 <= drop_prob < 1")


# -- denoising autoencoder loss ----------------------------------------------------------------

GRADIENTS = ["dw1", "db1", "dw2", "db2"]


def dae_inputs(rng, n, d, k):
    return (rng.random((n, d)), rng.standard_normal((d, k)) / np.sqrt(d), 0.2 * rng.standard_normal(k),
            rng.standard_normal((k, d)) / np.sqrt(k), 0.2 * rng.standard_normal(d))


def dae_variants(ref, x, params, p, seed):
    """Known mistakes: the noisy input as the target; no noise at all."""
    noisy = ref.masking_noise(x, p, generator(seed))
    x_hat, cache = ref.autoencoder_forward(noisy, *params)
    loss, dx_hat = ref.reconstruction_loss(x_hat, noisy)
    against_noisy = (loss,) + tuple(ref.autoencoder_backward(dx_hat, cache)[1:])
    clean_hat, clean_cache = ref.autoencoder_forward(x, *params)
    loss, dx_hat = ref.reconstruction_loss(clean_hat, x)
    no_noise = (loss,) + tuple(ref.autoencoder_backward(dx_hat, clean_cache)[1:])
    return {"compared the reconstruction with the noisy input: the target is the CLEAN x": against_noisy,
            "the input was not corrupted: feed masking_noise(x, drop_prob, rng) to the autoencoder": no_noise}


@pytest.mark.task10_denoising_autoencoder_loss
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("output", ["loss"] + GRADIENTS)
@pytest.mark.parametrize("shape, p", [((6, 5, 3), 0.4), ((1, 4, 2), 0.5), ((4, 6, 1), 0.2)],
                         ids=["N=6", "N=1", "K=1"])
def test_denoising_loss(student, ref, rng, expect, shape, p, output):
    """loss and each parameter gradient, with the noise drawn by one masking_noise call"""
    x, *params = dae_inputs(rng, *shape)
    seed = new_seed(rng)
    got = returned(student.denoising_autoencoder_loss(x, *params, p, generator(seed)), "denoising_autoencoder_loss",
                   "loss, " + ", ".join(GRADIENTS))
    want = ref.denoising_autoencoder_loss(x, *params, p, generator(seed))
    index = (["loss"] + GRADIENTS).index(output)
    variants = {k: v[index] for k, v in dae_variants(ref, x, params, p, seed).items()}
    expect(got[index], want[index], name=output, kind="values" if index == 0 else "gradients", variants=variants)


@pytest.mark.task10_denoising_autoencoder_loss
@pytest.mark.weight(0.5)
def test_denoising_loss_without_noise_is_the_plain_loss(student, ref, rng, expect):
    """drop_prob = 0: the plain autoencoder's loss and gradients"""
    x, *params = dae_inputs(rng, 3, 4, 2)
    got = returned(student.denoising_autoencoder_loss(x, *params, 0.0, generator(1)), "denoising_autoencoder_loss",
                   "loss, " + ", ".join(GRADIENTS))
    x_hat, cache = ref.autoencoder_forward(x, *params)
    loss, dx_hat = ref.reconstruction_loss(x_hat, x)
    expect_each(expect, [("loss", got[0], loss, {})] + [
        (name, g, want, {"kind": "gradients"})
        for name, g, want in zip(GRADIENTS, got[1:], ref.autoencoder_backward(dx_hat, cache)[1:])])
