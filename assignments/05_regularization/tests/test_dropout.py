"""Hidden tests of dropout_forward and dropout_backward.

The student's function gets a fresh np.random.Generator (it travels to the worker by its bit
generator's state), and the reference gets another Generator with the same seed: a student who
draws exactly rng.random(x.shape), as the docstring says, gets the reference's mask bit for bit.
Properties that hold whatever the draw (fraction dropped close to p on a large array, survivors
scaled by 1/(1-p), eval mode the identity, the backward using the forward's own mask) are
scored by their own tests.
"""

import numpy as np
import pytest

from grader.worker.errors import StudentException


def generator(seed):
    return np.random.default_rng(seed)


def new_seed(rng):
    return int(rng.integers(2 ** 62))


# (shape of x, p): a batch of one, odd shapes, a 3-D activation, small and large p.
CASES = [((1, 6), 0.5), ((4, 7), 0.3), ((2, 3, 4), 0.8), ((9,), 0.1), ((5, 5), 0.65)]
IDS = ["1x6-p0.5", "4x7-p0.3", "2x3x4-p0.8", "9-p0.1", "5x5-p0.65"]


@pytest.mark.task05_dropout_forward
@pytest.mark.weight(2)
@pytest.mark.parametrize("shape,p", CASES, ids=IDS)
def test_dropout_forward_train_mask(student, pair, ref, rng, expect, shape, p):
    """Train mode: the documented mask (rng.random(x.shape) >= p) / (1 - p), same generator state"""
    check_train_mask(student, pair, ref, rng, expect, shape, p)


def check_train_mask(student, pair, ref, rng, expect, shape, p, what="out"):
    x, seed = rng.standard_normal(shape), new_seed(rng)
    out, _ = pair(student.dropout_forward(x, p, train=True, rng=generator(seed)), "dropout_forward")
    u = generator(seed).random(shape)
    expect(out, ref.dropout_forward(x, p, train=True, rng=generator(seed))[0], name=what, variants={
        "keeps an entry with probability p: p is the probability to DROP (mask u >= p, not u < p)":
            np.where(u < p, x / (1 - p), 0.0),
        "the survivors are not scaled by 1/(1-p) (inverted dropout scales them at training time)":
            np.where(u >= p, x, 0.0),
        "the survivors are multiplied by (1 - p) instead of divided by it": np.where(u >= p, x * (1 - p), 0.0),
        "keeps with probability p and does not scale": np.where(u < p, x, 0.0),
    })


@pytest.mark.task05_dropout_forward
@pytest.mark.parametrize("p", [0.2, 0.7])
def test_dropout_forward_fraction_dropped(student, pair, rng, p):
    """Train mode on 50000 ones: the fraction of zeros is close to p"""
    out, _ = pair(student.dropout_forward(np.ones((200, 250)), p, train=True, rng=generator(new_seed(rng))),
                  "dropout_forward")
    out = np.asarray(out)
    assert out.shape == (200, 250), f"out has shape {out.shape}, expected x's shape (200, 250)"
    dropped = float(np.mean(out == 0))
    if abs(dropped - (1 - p)) < 0.015:
        raise AssertionError(f"with p = {p}, {dropped:.3f} of the entries were dropped, about 1 - p: "
                             f"p is the probability to DROP an entry, not to keep it")
    assert abs(dropped - p) < 0.015, (
        f"with p = {p}, {dropped:.3f} of 50000 entries were dropped; expected about p = {p}")


@pytest.mark.task05_dropout_forward
@pytest.mark.parametrize("p", [0.25, 0.6])
def test_dropout_forward_survivors_scaled(student, pair, rng, p):
    """Train mode on ones: every kept entry equals 1 / (1 - p) (inverted dropout)"""
    out, _ = pair(student.dropout_forward(np.ones((40, 50)), p, train=True, rng=generator(new_seed(rng))),
                  "dropout_forward")
    out = np.asarray(out, dtype=np.float64)
    kept = out[out != 0]
    assert kept.size, "every entry was dropped"
    target = 1 / (1 - p)
    if np.allclose(kept, 1.0):
        raise AssertionError(f"kept entries are left as they are (1.0 for an input of ones): inverted dropout "
                             f"scales the survivors by 1/(1-p) = {target:.4g} during training")
    if np.allclose(kept, 1 - p):
        raise AssertionError(f"kept entries are multiplied by (1 - p) = {1 - p:.4g}; inverted dropout divides "
                             f"them by (1 - p), giving {target:.4g}")
    assert np.allclose(kept, target, rtol=1e-9), (
        f"kept entries of an input of ones range from {kept.min():.6g} to {kept.max():.6g}; "
        f"every one should be 1/(1-p) = {target:.6g}")


@pytest.mark.task05_dropout_forward
@pytest.mark.weight(2)
@pytest.mark.parametrize("p", [0.3, 0.6])
def test_dropout_forward_eval_is_identity(student, pair, ref, rng, expect, p):
    """Eval mode (train=False) returns x unchanged, even when an rng is given"""
    x, seed = rng.standard_normal((6, 5)), new_seed(rng)
    out, _ = pair(student.dropout_forward(x, p, train=False, rng=generator(seed)), "dropout_forward")
    u = generator(seed).random(x.shape)
    expect(out, x, name="out in eval mode", variants={
        "dropout applied in eval mode: with train=False the layer is the identity (out = x)":
            np.where(u >= p, x / (1 - p), 0.0),
        "eval mode multiplies by (1 - p): that is non-inverted dropout; with inverted dropout eval mode is "
        "the identity": x * (1 - p),
        "eval mode divides by (1 - p): eval mode is the identity": x / (1 - p),
    })

    # A function returning its input passes the check above: the same weight group checks a
    # train-mode mask too.
    check_train_mask(student, pair, ref, rng, expect, (4, 5), 0.4, what="out in train mode (p = 0.4)")


@pytest.mark.task05_dropout_forward
@pytest.mark.weight(2)
def test_dropout_forward_eval_needs_no_rng(student, pair, ref, rng, expect):
    """Eval mode with rng=None draws nothing and returns x"""
    x = rng.standard_normal((3, 4))
    try:
        result = student.dropout_forward(x, 0.5, train=False, rng=None)
    except StudentException as error:
        if error.type_name == "NotImplementedError":
            raise
        raise AssertionError(f"with train=False and rng=None your code raised {error.type_name}: eval mode must "
                             f"not draw random numbers (it returns x unchanged)") from None
    out, _ = pair(result, "dropout_forward")
    expect(out, x, name="out in eval mode")

    # A function returning its input passes the check above: the same weight group checks a
    # train-mode mask too.
    check_train_mask(student, pair, ref, rng, expect, (4, 5), 0.4, what="out in train mode (p = 0.4)")


@pytest.mark.task05_dropout_forward
@pytest.mark.contract("domain_edge")
def test_dropout_forward_p_zero(student, pair, ref, rng, expect):
    """p = 0 in train mode keeps everything: out = x"""
    x = rng.standard_normal((4, 3))
    out, _ = pair(student.dropout_forward(x, 0.0, train=True, rng=generator(new_seed(rng))), "dropout_forward")
    expect(out, x, name="out for p = 0")

    # A function returning its input passes the check above: the same weight group checks a
    # train-mode mask too.
    check_train_mask(student, pair, ref, rng, expect, (4, 5), 0.4, what="out in train mode (p = 0.4)")


@pytest.mark.task05_dropout_forward
@pytest.mark.contract("domain_edge")
def test_dropout_forward_p_near_one(student, pair, ref, rng, expect):
    """p = 0.95, near the excluded end 1: few survivors, each scaled by 1 / (1 - p) = 20"""
    check_train_mask(student, pair, ref, rng, expect, (8, 10), 0.95, what="out for p = 0.95")


@pytest.mark.task05_dropout_forward
def test_dropout_forward_train_requires_rng(student, pair, ref, rng, expect):
    """Train mode with rng=None is an error, not a silent draw from the global np.random (with an rng it works)"""
    # The condition, not just the exception: the same call with an rng must give the right mask,
    # so a function that always raises earns nothing here.
    check_train_mask(student, pair, ref, rng, expect, (3, 4), 0.5, what="out in train mode with an rng")
    x = rng.standard_normal((3, 4))
    try:
        student.dropout_forward(x, 0.5, train=True, rng=None)
    except StudentException as error:
        if error.type_name == "NotImplementedError":
            raise
        return
    raise AssertionError("train mode with rng=None returned a result: the mask must come from the rng argument "
                         "(raise a ValueError when it is None), never from the global np.random state")


@pytest.mark.task05_dropout_forward
def test_dropout_forward_keeps_float64(student, pair, ref, rng, expect):
    """float64 in, float64 out (with the right values)"""
    x, seed = rng.standard_normal((3, 5)), new_seed(rng)
    out, _ = pair(student.dropout_forward(x, 0.4, train=True, rng=generator(seed)), "dropout_forward")
    assert np.asarray(out).dtype == np.float64, f"out has dtype {np.asarray(out).dtype}, expected float64"
    expect(out, ref.dropout_forward(x, 0.4, train=True, rng=generator(seed))[0], name="out")


# -- backward -------------------------------------------------------------------------------


def forward_mask(student, pair, ref, x, p, seed, train):
    """The student's forward on (x, p), its cache, and the mask it applied (out / x).

    When the forward fails or returns no usable output, the backward gets the cache the
    docstring documents (the reference's mask) so that a forward bug is not charged twice."""
    reference_mask = ref.dropout_forward(x, p, train=train, rng=generator(seed))[1]
    try:
        out, cache = pair(student.dropout_forward(x, p, train=train, rng=generator(seed)), "dropout_forward")
        out = np.asarray(out, dtype=np.float64)
        if out.shape != x.shape or not np.all(np.isfinite(out)):
            raise ValueError
        mask = out / x
        # A forward that drops everything, or nothing, where the documented mask drops some and
        # keeps some, is no mask to grade a backward by (a constant backward would match it).
        if (mask == 0).any() != (reference_mask == 0).any() or (mask != 0).any() != (reference_mask != 0).any():
            raise ValueError
        return cache, mask
    except (StudentException, AssertionError, ValueError, TypeError):
        return reference_mask, reference_mask


@pytest.mark.task05_dropout_backward
@pytest.mark.weight(2)
@pytest.mark.parametrize("shape,p", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_dropout_backward_uses_the_forward_mask(student, pair, ref, rng, expect, shape, p):
    """dx = dout * mask, with the mask of the student's own forward (train mode)"""
    check_train_backward(student, pair, ref, rng, expect, shape, p)


def mixed_seed(rng, shape, p):
    """A seed whose documented mask drops some entries and keeps others."""
    while True:
        seed = new_seed(rng)
        dropped = generator(seed).random(shape) < p
        if dropped.any() and not dropped.all():
            return seed


def check_train_backward(student, pair, ref, rng, expect, shape, p):
    x = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)  # never 0: out / x is the mask
    dout, seed = rng.standard_normal(shape), mixed_seed(rng, shape, p)
    cache, mask = forward_mask(student, pair, ref, x, p, seed, train=True)
    dx = student.dropout_backward(dout, cache)
    kept = mask != 0
    variants = {
        "dx = dout where kept, without the 1/(1-p) scaling that the forward applied":
            np.where(kept, dout, 0.0) if not np.allclose(mask[kept], 1.0) else None,
        "dx = dout: the gradient must go through the same mask as the forward (zero where dropped)":
            dout if not kept.all() else None,
        "dx divides by the mask instead of multiplying": np.where(kept, dout / np.where(kept, mask, 1.0), 0.0),
    }
    expect(dx, dout * mask, name="dx", kind="gradients",
           variants={k: v for k, v in variants.items() if v is not None})


@pytest.mark.task05_dropout_backward
def test_dropout_backward_eval_mode(student, pair, ref, rng, expect):
    """Eval mode: the forward is the identity, so dx = dout"""
    x, dout = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    try:
        _, cache = pair(student.dropout_forward(x, 0.5, train=False, rng=None), "dropout_forward")
    except (StudentException, AssertionError):
        cache = ref.dropout_forward(x, 0.5, train=False)[1]
    expect(student.dropout_backward(dout, cache), dout, name="dx in eval mode", kind="gradients",
           variants={"dx is scaled by 1/(1-p) in eval mode, where the forward is the identity": dout / 0.5})
    # dx = dout is what a function returning its input gives: the same weight group checks train mode.
    check_train_backward(student, pair, ref, rng, expect, (3, 4), 0.5)
