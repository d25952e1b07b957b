"""Hidden tests of the losses: each returns (loss, dinput); the loss value and the gradient are
scored by separate tests, on random shapes, a batch of 1, and inputs large enough to overflow a
naive formula."""

import numpy as np
import pytest

from grader.suite.returns import returned

OUTPUTS = ["loss", "gradient"]
SHAPES = [(1,), (7,), (4, 3), (1, 1), (2, 3, 2)]
SHAPE_IDS = ["x".join(map(str, s)) for s in SHAPES]


def loss_pair(result, name, grad_name):
    return returned(result, name, f"loss, {grad_name}")


def score(expect, got, expected, output, grad_name, variants, regions=None):
    """Compare one output of a loss: the loss value or the gradient (regions: named parts of it)."""
    index = OUTPUTS.index(output)
    name = "loss" if index == 0 else grad_name
    kind = "values" if index == 0 else "gradients"
    known = {k: v[index] for k, v in variants.items() if v[index] is not None}
    expect(got[index], expected[index], name=name, kind=kind, variants=known, regions=regions if index else None)


# -- mse --------------------------------------------------------------------------------------

def mse_variants(p, t):
    d = p - t
    rows = p.shape[0]
    per_row = (float(np.sum(d * d) / rows), 2.0 * d / rows) if d.size != rows else (None, None)
    return {"averaged over the rows (len(pred)) instead of over every entry (pred.size)": per_row,
            "the gradient of the mean squared error is (2/n)(pred - target); the factor 2 is missing":
                (None, d / d.size)}


@pytest.mark.task02_mse
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.contract("domain_edge")
def test_mse(student, ref, rng, expect, shape, output):
    """Mean squared error over every entry"""
    p, t = rng.standard_normal(shape) * 2.0, rng.standard_normal(shape)
    got = loss_pair(student.mse(p, t), "mse", "dpred")
    score(expect, got, ref.mse(p, t), output, "dpred", mse_variants(p, t))


@pytest.mark.task02_mse
def test_mse_of_a_perfect_prediction(student, ref, rng, expect):
    """A perfect prediction has loss 0 and gradient 0 (and an imperfect one does not)"""
    p = rng.standard_normal((3, 2))
    loss, dpred = loss_pair(student.mse(p, p.copy()), "mse", "dpred")
    expect(loss, 0.0, name="loss")
    expect(dpred, np.zeros_like(p), name="dpred", kind="gradients")
    # Paired with a value in the same weight group: a function returning zeros always earns nothing.
    t = p + rng.standard_normal((3, 2))
    got = loss_pair(student.mse(p, t), "mse", "dpred")
    for output in OUTPUTS:
        score(expect, got, ref.mse(p, t), output, "dpred", mse_variants(p, t))


# -- softmax cross-entropy --------------------------------------------------------------------

CE_CASES = [(1, 2, 1.0), (4, 3, 1.0), (8, 10, 3.0), (5, 4, 1e3)]
CE_IDS = ["N1-C2", "N4-C3", "N8-C10", "N5-C4-logits-1e3"]


def ce_variants(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    onehot = np.eye(logits.shape[1])[y]
    return {"softmax(x) / N: the one-hot of the true class was not subtracted": (None, p / n),
            "onehot - softmax: the sign is flipped": (None, (onehot - p) / n)}


@pytest.mark.task02_softmax_cross_entropy
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("n,c,scale", CE_CASES, ids=CE_IDS)
@pytest.mark.contract("domain_edge")
def test_softmax_cross_entropy(student, ref, rng, expect, n, c, scale, output):
    """Softmax cross-entropy averaged over the batch (the last case has logits up to 1e3)"""
    logits = rng.standard_normal((n, c)) * scale
    y = rng.integers(0, c, size=n)
    got = loss_pair(student.softmax_cross_entropy(logits, y), "softmax_cross_entropy", "dlogits")
    true_class = np.arange(c) == y[:, None]
    regions = {"the true class of each row (the - onehot(y) part)": true_class,
               "the other classes (the softmax part)": ~true_class}
    score(expect, got, ref.softmax_cross_entropy(logits, y), output, "dlogits", ce_variants(logits, y), regions)


@pytest.mark.task02_softmax_cross_entropy
def test_softmax_cross_entropy_is_shift_invariant(student, ref, rng, expect):
    """Adding the same large constant to every logit of a row changes nothing"""
    logits = rng.standard_normal((3, 4))
    y = rng.integers(0, 4, size=3)
    shifted = logits + np.array([[800.0], [-800.0], [0.0]])
    loss, dlogits = loss_pair(student.softmax_cross_entropy(shifted, y), "softmax_cross_entropy", "dlogits")
    want_loss, want_grad = ref.softmax_cross_entropy(logits, y)
    expect(loss, want_loss, name="loss with rows shifted by +-800")
    expect(dlogits, want_grad, name="dlogits with rows shifted by +-800", kind="gradients")


# -- binary cross-entropy with logits ---------------------------------------------------------

def bce_variants(x, y):
    n = x.size
    sig = np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))
    rows = x.shape[0]
    return {"(y - sigmoid(x)) / n: the sign is flipped": (None, (y - sig) / n),
            "averaged over the rows (len(logits)) instead of over every entry (logits.size)":
                (None, (sig - y) / rows) if rows != n else (None, None)}


@pytest.mark.task02_binary_cross_entropy_with_logits
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_binary_cross_entropy_with_logits(student, ref, rng, expect, shape, output):
    """Binary cross-entropy with logits, hard 0/1 targets"""
    x = rng.standard_normal(shape) * 3.0
    y = (rng.random(shape) < 0.5).astype(np.float64)
    got = loss_pair(student.binary_cross_entropy_with_logits(x, y), "binary_cross_entropy_with_logits", "dlogits")
    score(expect, got, ref.binary_cross_entropy_with_logits(x, y), output, "dlogits", bce_variants(x, y))


@pytest.mark.task02_binary_cross_entropy_with_logits
@pytest.mark.parametrize("output", OUTPUTS)
def test_binary_cross_entropy_with_soft_targets(student, ref, rng, expect, output):
    """Binary cross-entropy with targets anywhere in [0, 1]"""
    x = rng.standard_normal((3, 5)) * 2.0
    y = rng.random((3, 5))
    got = loss_pair(student.binary_cross_entropy_with_logits(x, y), "binary_cross_entropy_with_logits", "dlogits")
    score(expect, got, ref.binary_cross_entropy_with_logits(x, y), output, "dlogits", bce_variants(x, y))


@pytest.mark.task02_binary_cross_entropy_with_logits
@pytest.mark.weight(2)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.contract("domain_edge")
def test_binary_cross_entropy_with_large_logits(student, ref, rng, expect, output):
    """Logits of size 40 to 1000, both signs, both targets: finite and exact"""
    x = rng.uniform(40.0, 1000.0, (2, 6)) * np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 1.0]])
    got = loss_pair(student.binary_cross_entropy_with_logits(x, y), "binary_cross_entropy_with_logits", "dlogits")
    score(expect, got, ref.binary_cross_entropy_with_logits(x, y), output, "dlogits", bce_variants(x, y))


# -- Poisson negative log-likelihood ----------------------------------------------------------

def poisson_variants(r, y):
    n = r.size
    rate = np.exp(r)
    return {"(y - exp(r)) / n: the sign is flipped (that is the gradient of the log-likelihood; the loss is its negative)": (None, (y - rate) / n),
            "the input was used as the rate itself, not as its logarithm":
                (float(np.mean(r - y * np.log(r))) if np.all(r > 0) else None, (1.0 - y / r) / n if np.all(r > 0) else None)}


@pytest.mark.task02_poisson_nll
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_poisson_nll(student, ref, rng, expect, shape, output):
    """Poisson negative log-likelihood of counts, given log-rates"""
    r = rng.uniform(-3.0, 3.0, shape)
    y = rng.poisson(np.exp(r)).astype(np.float64)
    got = loss_pair(student.poisson_nll(r, y), "poisson_nll", "dlog_rate")
    score(expect, got, ref.poisson_nll(r, y), output, "dlog_rate", poisson_variants(r, y))


@pytest.mark.task02_poisson_nll
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.contract("domain_edge")
def test_poisson_nll_extreme_rates(student, ref, rng, expect, output):
    """Rates near 0 (log-rate -40) with zero counts, and large counts at high rates"""
    r = np.concatenate([rng.uniform(-40.0, -20.0, 4), rng.uniform(5.0, 8.0, 4)])
    y = np.concatenate([np.zeros(4), rng.poisson(np.exp(r[4:])).astype(np.float64)])
    got = loss_pair(student.poisson_nll(r, y), "poisson_nll", "dlog_rate")
    score(expect, got, ref.poisson_nll(r, y), output, "dlog_rate", poisson_variants(r, y))
