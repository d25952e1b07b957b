"""Hidden tests of layernorm_forward and layernorm_backward.

Statistics per example over its features (axis 1). Forward: random shapes including a batch of
one and a single feature, rows of very different offsets (up to 1e6). Backward: dx, dgamma and
dbeta scored separately; the backward gets the student's own cache when their forward is right,
otherwise the documented (x_hat, gamma, inv_std), so that a forward bug is not charged twice.
"""

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.errors import StudentException

EPS = 1e-5
CASES = [(1, 4), (3, 5), (6, 2), (4, 16), (3, 1), (5, 5)]
IDS = ["N1-D4", "N3-D5", "N6-D2", "N4-D16", "N3-D1", "N5-D5"]


def triple(result, name="layernorm_backward"):
    return returned(result, name, "dx, dgamma, dbeta")


def layer(rng, n, d):
    x = rng.normal(0.0, 5.0, (n, 1)) + rng.uniform(0.5, 3.0, (n, 1)) * rng.standard_normal((n, d))
    gamma, beta = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d), rng.standard_normal(d)
    return x, gamma, beta


def normalise(x, axis, gamma, beta, ddof=0):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True, ddof=ddof)
    return gamma * (x - mean) / np.sqrt(var + EPS) + beta


@pytest.mark.task05_layernorm_forward
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,d", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_layernorm_forward(student, pair, ref, rng, expect, n, d):
    """Normalise each example over its features, then scale and shift per feature"""
    x, gamma, beta = layer(rng, n, d)
    out, _ = pair(student.layernorm_forward(x, gamma, beta), "layernorm_forward")
    variants = {
        "normalised over the batch axis (axis 0), as batchnorm does; layernorm normalises each example "
        "over its features (axis 1)": normalise(x, 0, gamma, beta),
        "normalised with the unbiased variance (divide by D - 1); use the biased one (divide by D)":
            normalise(x, 1, gamma, beta, ddof=1) if d > 1 else None,
        "normalised over every entry at once (one mean for the whole array); use axis 1 with keepdims":
            normalise(x, None, gamma, beta),
        "gamma and beta swapped: out = gamma * x_hat + beta": normalise(x, 1, beta, gamma),
    }
    expect(out, ref.layernorm_forward(x, gamma, beta)[0], name="out",
           variants={k: v for k, v in variants.items() if v is not None})


@pytest.mark.task05_layernorm_forward
def test_layernorm_forward_large_offsets(student, pair, ref, rng, expect):
    """Rows around 1e6 and around 0 in one batch: each row is normalised on its own, accurately"""
    x = np.concatenate([1e6 + rng.standard_normal((2, 6)), rng.standard_normal((2, 6))])
    gamma, beta = np.ones(6), np.zeros(6)
    out, _ = pair(student.layernorm_forward(x, gamma, beta), "layernorm_forward")
    mean = x.mean(axis=1, keepdims=True)
    naive_var = np.maximum((x * x).mean(axis=1, keepdims=True) - mean ** 2, 0.0)
    expect(out, ref.layernorm_forward(x, gamma, beta)[0], name="out for rows around 1e6", variants={
        "the variance computed as mean(x^2) - mean(x)^2 loses its digits when the mean is large "
        "(catastrophic cancellation): use the mean of (x - mean)^2": (x - mean) / np.sqrt(naive_var + EPS),
        "normalised over the batch axis (axis 0), as batchnorm does; layernorm normalises each example "
        "over its features (axis 1)": normalise(x, 0, gamma, beta)})


@pytest.mark.task05_layernorm_forward
def test_layernorm_forward_rows_are_independent(student, pair, ref, rng, expect):
    """An example's output does not depend on the other examples of the batch"""
    x, gamma, beta = layer(rng, 5, 4)
    whole, _ = pair(student.layernorm_forward(x, gamma, beta), "layernorm_forward")
    alone, _ = pair(student.layernorm_forward(x[1:2], gamma, beta), "layernorm_forward")
    expect(alone, np.asarray(whole)[1:2], name="out of one example alone vs in its batch",
           variants={"a batch of one example gets beta: the statistics are taken over the batch axis": beta[None, :]})
    # A constant output is also "independent of the batch": the same weight group checks the values.
    expect(whole, ref.layernorm_forward(x, gamma, beta)[0], name="out")


# -- backward -------------------------------------------------------------------------------


def student_cache(student, pair, ref, x, gamma, beta):
    """The student's own cache when their forward is right; else the documented one."""
    expected_out, documented = ref.layernorm_forward(x, gamma, beta)
    try:
        out, cache = pair(student.layernorm_forward(x, gamma, beta), "layernorm_forward")
        out = np.asarray(out, dtype=np.float64)
        if out.shape == expected_out.shape and np.allclose(out, expected_out, rtol=1e-6, atol=1e-8):
            return cache
    except (StudentException, AssertionError, ValueError, TypeError):
        pass
    return documented


@pytest.mark.task05_layernorm_backward
@pytest.mark.parametrize("output", ["dx", "dgamma", "dbeta"])
@pytest.mark.parametrize("n,d", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_layernorm_backward(student, pair, ref, rng, expect, n, d, output):
    """One gradient of layernorm, from the student's own forward cache"""
    x, gamma, beta = layer(rng, n, d)
    dout = rng.standard_normal((n, d))
    cache = student_cache(student, pair, ref, x, gamma, beta)
    grads = triple(student.layernorm_backward(dout, cache))
    reference_cache = ref.layernorm_forward(x, gamma, beta)[1]
    expected = ref.layernorm_backward(dout, reference_cache)
    x_hat, _, inv_std = reference_cache
    g = dout * gamma
    variants = {
        "dx": {
            "dx = dout * gamma / sqrt(var + eps): the row's mean and variance depend on x too (the compact "
            "formula, with sums over the features)": g * inv_std,
            "dx sums over the batch axis (batchnorm's formula); layernorm's sums run over the features (axis 1)":
                inv_std / n * (n * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0)),
            "dx misses the variance path (the - x_hat * sum(g * x_hat) term)":
                inv_std / d * (d * g - g.sum(axis=1, keepdims=True)),
            "dx forgets gamma (use g = dout * gamma)":
                inv_std / d * (d * dout - dout.sum(axis=1, keepdims=True)
                               - x_hat * (dout * x_hat).sum(axis=1, keepdims=True)),
        },
        "dgamma": {
            "dgamma = sum(dout): that is dbeta; dgamma = sum over the batch of dout * x_hat": dout.sum(axis=0),
            "dgamma averaged over the batch instead of summed": (dout * x_hat).mean(axis=0) if n > 1 else None,
        },
        "dbeta": {
            "dbeta averaged over the batch instead of summed": dout.mean(axis=0) if n > 1 else None,
        },
    }[output]
    index = ["dx", "dgamma", "dbeta"].index(output)
    expect(grads[index], expected[index], name=output, kind="gradients",
           variants={k: v for k, v in variants.items() if v is not None})
    if d == 1:
        # One feature makes x_hat = 0, so dx = dgamma = 0: a constant matches. The same weight group
        # also checks four features.
        x, gamma, beta = layer(rng, n, 4)
        dout = rng.standard_normal((n, 4))
        grads = triple(student.layernorm_backward(dout, student_cache(student, pair, ref, x, gamma, beta)))
        expected = ref.layernorm_backward(dout, ref.layernorm_forward(x, gamma, beta)[1])
        expect(grads[index], expected[index], name=f"{output} (4 features)", kind="gradients")


@pytest.mark.task05_layernorm_backward
def test_layernorm_backward_rows_of_dx_sum_to_zero(student, pair, ref, rng, expect):
    """Each row of dx sums to 0 (shifting one example's features together changes nothing)"""
    x, gamma, beta = layer(rng, 4, 7)
    dout = rng.standard_normal((4, 7))
    dx, _, _ = triple(student.layernorm_backward(dout, student_cache(student, pair, ref, x, gamma, beta)))
    dx = np.asarray(dx, dtype=np.float64)
    assert dx.shape == (4, 7), f"dx has shape {dx.shape}, expected (4, 7)"
    scale = float(np.abs(dx).max()) or 1.0
    assert np.allclose(dx.sum(axis=1), 0.0, atol=1e-9 * scale * 7), (
        "a row of dx does not sum to 0: the path through the row's mean (the - sum(g) / D term) is missing "
        "or summed over the wrong axis")
    # Zeros sum to 0 too: the same weight group checks the values.
    expect(dx, ref.layernorm_backward(dout, ref.layernorm_forward(x, gamma, beta)[1])[0], name="dx",
           kind="gradients")
