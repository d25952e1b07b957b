"""Hidden tests of batchnorm_forward, batchnorm_backward and batchnorm_running_stats.

Inputs have per-feature offsets and scales (what batchnorm removes). Forward: train and eval
mode, a batch of one, a large offset (two-pass variance). Backward: dx, dgamma and dbeta are
scored separately, in train and in eval mode; the student's backward gets the cache of the
student's own forward when that forward is right, and otherwise the cache the docstring
documents, (x_hat, gamma, inv_std, train), so that a forward bug is not charged twice.
Running statistics: several steps, feeding back what the student returned.
"""

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.errors import StudentException

EPS = 1e-5
CASES = [(1, 3), (2, 5), (7, 4), (16, 3), (5, 1)]
IDS = ["N1-D3", "N2-D5", "N7-D4", "N16-D3", "N5-D1"]


def triple(result, name="batchnorm_backward"):
    return returned(result, name, "dx, dgamma, dbeta")


def layer(rng, n, d, offset=5.0):
    x = rng.normal(0.0, offset, d) + rng.uniform(0.5, 3.0, d) * rng.standard_normal((n, d))
    gamma, beta = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d), rng.standard_normal(d)
    return x, gamma, beta


def running(rng, x):
    """Running statistics near, but not equal to, the batch's."""
    d = x.shape[1]
    return x.mean(axis=0) + rng.standard_normal(d), rng.uniform(0.5, 4.0, d)


def normalise(x, mean, var, gamma, beta, eps=EPS):
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


# -- forward --------------------------------------------------------------------------------


@pytest.mark.task05_batchnorm_forward
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,d", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_batchnorm_forward_train(student, pair, ref, rng, expect, n, d):
    """Train mode: normalise each feature with the batch mean and the biased batch variance"""
    x, gamma, beta = layer(rng, n, d)
    out, _ = pair(student.batchnorm_forward(x, gamma, beta, train=True), "batchnorm_forward")
    mean, var = x.mean(axis=0), x.var(axis=0)
    variants = {
        "normalised with the unbiased variance (divide by N - 1); batchnorm uses the biased one (divide by N)":
            normalise(x, mean, x.var(axis=0, ddof=1), gamma, beta) if n > 1 else None,
        "normalised over the features (axis 1) instead of over the batch (axis 0)":
            normalise(x, x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True), gamma, beta) if d > 1 else None,
        "eps added outside the square root: use sqrt(var + eps)":
            gamma * (x - mean) / (np.sqrt(var) + EPS) + beta if n > 1 else None,
        "gamma and beta swapped: out = gamma * x_hat + beta": normalise(x, mean, var, beta, gamma),
        "divided by the variance instead of the standard deviation": gamma * (x - mean) / (var + EPS) + beta,
    }
    expect(out, ref.batchnorm_forward(x, gamma, beta, train=True)[0], name="out",
           variants={k: v for k, v in variants.items() if v is not None})


@pytest.mark.task05_batchnorm_forward
@pytest.mark.weight(2)
@pytest.mark.parametrize("n,d", [(1, 4), (6, 3), (9, 2)], ids=["N1-D4", "N6-D3", "N9-D2"])
def test_batchnorm_forward_eval(student, pair, ref, rng, expect, n, d):
    """Eval mode: normalise with running_mean and running_var, not with the batch's statistics"""
    x, gamma, beta = layer(rng, n, d)
    running_mean, running_var = running(rng, x)
    out, _ = pair(student.batchnorm_forward(x, gamma, beta, running_mean, running_var, train=False),
                  "batchnorm_forward")
    variants = {
        "used the batch statistics in eval mode: train=False must use running_mean and running_var":
            normalise(x, x.mean(axis=0), x.var(axis=0), gamma, beta),
        "running_var used as a standard deviation: divide by sqrt(running_var + eps)":
            gamma * (x - running_mean) / (running_var + EPS) + beta,
        "running_var used as a standard deviation (squared)": normalise(x, running_mean, running_var ** 2, gamma, beta),
        "eval mode ignores the running mean": normalise(x, 0.0, running_var, gamma, beta),
    }
    expect(out, ref.batchnorm_forward(x, gamma, beta, running_mean, running_var, train=False)[0],
           name="out in eval mode", variants=variants)


@pytest.mark.task05_batchnorm_forward
def test_batchnorm_forward_eval_rows_are_independent(student, pair, ref, rng, expect):
    """Eval mode: each example's output does not depend on the rest of the batch"""
    x, gamma, beta = layer(rng, 5, 3)
    running_mean, running_var = running(rng, x)
    whole, _ = pair(student.batchnorm_forward(x, gamma, beta, running_mean, running_var, train=False),
                    "batchnorm_forward")
    alone, _ = pair(student.batchnorm_forward(x[2:3], gamma, beta, running_mean, running_var, train=False),
                    "batchnorm_forward")
    expect(alone, np.asarray(whole)[2:3], name="eval-mode out of one example alone vs in its batch",
           variants={"a batch of one example gets beta, whatever the input: the batch statistics are used in "
                     "eval mode": beta[None, :]})
    # A constant output is also "independent of the batch": the same weight group checks the values.
    expect(whole, ref.batchnorm_forward(x, gamma, beta, running_mean, running_var, train=False)[0],
           name="out in eval mode")


@pytest.mark.task05_batchnorm_forward
def test_batchnorm_forward_large_offset(student, pair, ref, rng, expect):
    """Features around 1e6 with unit spread: the variance must not lose its digits"""
    x = 1e6 * rng.uniform(0.5, 2.0, 4) + rng.standard_normal((8, 4))
    gamma, beta = np.ones(4), np.zeros(4)
    out, _ = pair(student.batchnorm_forward(x, gamma, beta, train=True), "batchnorm_forward")
    mean = x.mean(axis=0)
    expect(out, ref.batchnorm_forward(x, gamma, beta, train=True)[0], name="out for features around 1e6",
           variants={"the variance computed as mean(x^2) - mean(x)^2 loses its digits when the mean is large "
                     "(catastrophic cancellation): use the mean of (x - mean)^2":
                     normalise(x, mean, np.maximum((x * x).mean(axis=0) - mean ** 2, 0.0), gamma, beta)})


@pytest.mark.task05_batchnorm_forward
def test_batchnorm_forward_keeps_float64(student, pair, ref, rng, expect):
    """float64 in, float64 out (with the right values)"""
    x, gamma, beta = layer(rng, 4, 3)
    out, _ = pair(student.batchnorm_forward(x, gamma, beta, train=True), "batchnorm_forward")
    assert np.asarray(out).dtype == np.float64, f"out has dtype {np.asarray(out).dtype}, expected float64"
    expect(out, ref.batchnorm_forward(x, gamma, beta, train=True)[0], name="out")


# -- backward -------------------------------------------------------------------------------


def student_cache(student, pair, ref, args, kwargs):
    """The student's own cache when their forward is right; else the documented one."""
    expected_out, documented = ref.batchnorm_forward(*args, **kwargs)
    try:
        out, cache = pair(student.batchnorm_forward(*args, **kwargs), "batchnorm_forward")
        out = np.asarray(out, dtype=np.float64)
        if out.shape == expected_out.shape and np.allclose(out, expected_out, rtol=1e-6, atol=1e-8):
            return cache
    except (StudentException, AssertionError, ValueError, TypeError):
        pass
    return documented


def compact_dx(g, x_hat, inv_std):
    n = g.shape[0]
    return inv_std / n * (n * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))


@pytest.mark.task05_batchnorm_backward
@pytest.mark.parametrize("output", ["dx", "dgamma", "dbeta"])
@pytest.mark.parametrize("n,d", CASES, ids=IDS)
@pytest.mark.contract("domain_edge")
def test_batchnorm_backward_train(student, pair, ref, rng, expect, n, d, output):
    """Train mode: one gradient, from the student's own forward cache"""
    x, gamma, beta = layer(rng, n, d)
    dout = rng.standard_normal((n, d))
    cache = student_cache(student, pair, ref, (x, gamma, beta), {"train": True})
    grads = triple(student.batchnorm_backward(dout, cache))
    expected = ref.batchnorm_backward(dout, ref.batchnorm_forward(x, gamma, beta, train=True)[1])
    x_hat, _, inv_std, _ = ref.batchnorm_forward(x, gamma, beta, train=True)[1]
    g = dout * gamma
    variants = {
        "dx": {
            "dx = dout * gamma / sqrt(var + eps): the mean and variance of the batch depend on x too; in train "
            "mode dx needs the mean-gradient and variance-gradient terms (the compact formula)": g * inv_std,
            "dx misses the variance path (the - x_hat * sum(g * x_hat) term)":
                inv_std / n * (n * g - g.sum(axis=0)),
            "dx misses the mean path (the - sum(g) term)": inv_std / n * (n * g - x_hat * (g * x_hat).sum(axis=0)),
            "dx forgets gamma (use g = dout * gamma)": compact_dx(dout, x_hat, inv_std),
        },
        "dgamma": {
            "dgamma = sum(dout): that is dbeta; dgamma = sum(dout * x_hat)": dout.sum(axis=0),
            "dgamma uses x instead of x_hat": (dout * x).sum(axis=0),
            "dgamma averaged over the batch instead of summed": (dout * x_hat).mean(axis=0) if n > 1 else None,
        },
        "dbeta": {
            "dbeta averaged over the batch instead of summed": dout.mean(axis=0) if n > 1 else None,
            "dbeta multiplied by gamma": (dout * gamma).sum(axis=0),
        },
    }[output]
    index = ["dx", "dgamma", "dbeta"].index(output)
    expect(grads[index], expected[index], name=output, kind="gradients",
           variants={k: v for k, v in variants.items() if v is not None})
    if n == 1:
        # One example in train mode makes x_hat = 0, so dx = dgamma = 0: a constant matches. The
        # same weight group also checks a batch of four.
        x, gamma, beta = layer(rng, 4, d)
        dout = rng.standard_normal((4, d))
        cache = student_cache(student, pair, ref, (x, gamma, beta), {"train": True})
        grads = triple(student.batchnorm_backward(dout, cache))
        expected = ref.batchnorm_backward(dout, ref.batchnorm_forward(x, gamma, beta, train=True)[1])
        expect(grads[index], expected[index], name=f"{output} (a batch of 4)", kind="gradients")


@pytest.mark.task05_batchnorm_backward
@pytest.mark.parametrize("output", ["dx", "dgamma", "dbeta"])
@pytest.mark.parametrize("n,d", [(1, 3), (6, 4)], ids=["N1-D3", "N6-D4"])
def test_batchnorm_backward_eval(student, pair, ref, rng, expect, n, d, output):
    """Eval mode: the running statistics are constants, so dx = dout * gamma / sqrt(running_var + eps)"""
    x, gamma, beta = layer(rng, n, d)
    running_mean, running_var = running(rng, x)
    dout = rng.standard_normal((n, d))
    args, kwargs = (x, gamma, beta, running_mean, running_var), {"train": False}
    cache = student_cache(student, pair, ref, args, kwargs)
    grads = triple(student.batchnorm_backward(dout, cache))
    reference_cache = ref.batchnorm_forward(*args, **kwargs)[1]
    expected = ref.batchnorm_backward(dout, reference_cache)
    x_hat, _, inv_std, _ = reference_cache
    variants = {
        "dx": {"the train-mode formula used in eval mode: there the running statistics are constants and "
               "dx = dout * gamma / sqrt(running_var + eps)": compact_dx(dout * gamma, x_hat, inv_std)},
        "dgamma": {"dgamma = sum(dout): that is dbeta; dgamma = sum(dout * x_hat)": dout.sum(axis=0)},
        "dbeta": {"dbeta averaged over the batch instead of summed": dout.mean(axis=0) if n > 1 else None},
    }[output]
    index = ["dx", "dgamma", "dbeta"].index(output)
    expect(grads[index], expected[index], name=f"{output} in eval mode", kind="gradients",
           variants={k: v for k, v in variants.items() if v is not None})


@pytest.mark.task05_batchnorm_backward
def test_batchnorm_backward_dx_sums_to_zero(student, pair, ref, rng, expect):
    """Train mode: dx sums to 0 over the batch (shifting the whole batch changes nothing)"""
    x, gamma, beta = layer(rng, 8, 5)
    dout = rng.standard_normal((8, 5))
    cache = student_cache(student, pair, ref, (x, gamma, beta), {"train": True})
    dx, _, _ = triple(student.batchnorm_backward(dout, cache))
    dx = np.asarray(dx, dtype=np.float64)
    assert dx.shape == (8, 5), f"dx has shape {dx.shape}, expected (8, 5)"
    scale = float(np.abs(dx).max()) or 1.0
    assert np.allclose(dx.sum(axis=0), 0.0, atol=1e-9 * scale * 8), (
        "dx does not sum to 0 over the batch: in train mode the mean path (the - sum(g) / N term) is missing")
    # Zeros sum to 0 too: the same weight group checks the values.
    expected = ref.batchnorm_backward(dout, ref.batchnorm_forward(x, gamma, beta, train=True)[1])
    expect(dx, expected[0], name="dx", kind="gradients")


# -- running statistics ---------------------------------------------------------------------


def trajectory(rule, batches, momentum):
    """(mean, var) after each batch, from zeros and ones."""
    mean, var, path = np.zeros(batches[0].shape[1]), np.ones(batches[0].shape[1]), []
    for x in batches:
        mean, var = rule(x, mean, var, momentum)
        path.append((mean, var))
    return path


def reference_rule(x, mean, var, m):
    return (1 - m) * mean + m * x.mean(axis=0), (1 - m) * var + m * x.var(axis=0, ddof=1)


MISTAKES = {
    "momentum reversed: running = momentum * running + (1 - momentum) * batch; PyTorch's momentum is the "
    "weight of the NEW batch": lambda x, mean, var, m: (m * mean + (1 - m) * x.mean(axis=0),
                                                        m * var + (1 - m) * x.var(axis=0, ddof=1)),
    "the biased batch variance (divide by N) blended in: the running variance uses the unbiased one (N - 1)":
        lambda x, mean, var, m: ((1 - m) * mean + m * x.mean(axis=0), (1 - m) * var + m * x.var(axis=0)),
    "the running statistics are replaced by the batch's instead of blended":
        lambda x, mean, var, m: (x.mean(axis=0), x.var(axis=0, ddof=1)),
    "the batch standard deviation blended in instead of the variance":
        lambda x, mean, var, m: ((1 - m) * mean + m * x.mean(axis=0), (1 - m) * var + m * x.std(axis=0, ddof=1)),
}


@pytest.mark.task05_batchnorm_running_stats
@pytest.mark.weight(2)
@pytest.mark.parametrize("output", ["new_mean", "new_var"])
@pytest.mark.parametrize("momentum", [0.1, 0.35])
@pytest.mark.contract("domain_edge")
def test_running_stats_over_steps(student, rng, expect, momentum, output):
    """Four training batches (N = 2, 5, 8, 3), feeding back the returned statistics"""
    d = 4
    offset, spread = rng.normal(0.0, 3.0, d), rng.uniform(0.5, 3.0, d)
    batches = [offset + spread * rng.standard_normal((n, d)) for n in (2, 5, 8, 3)]
    expected = trajectory(reference_rule, batches, momentum)
    wrong = {what: trajectory(rule, batches, momentum) for what, rule in MISTAKES.items()}
    index = ["new_mean", "new_var"].index(output)
    mean, var = np.zeros(d), np.ones(d)
    for k, x in enumerate(batches, start=1):
        result = returned(student.batchnorm_running_stats(x, mean, var, momentum=momentum),
                          "batchnorm_running_stats", "new_mean, new_var")
        got = result[index]
        try:
            expect(got, expected[k - 1][index], name=f"{output} after batch {k} of {len(batches)}",
                   variants={what: path[k - 1][index] for what, path in wrong.items()})
        except AssertionError as failure:
            if k == 1:
                raise
            raise type(failure)(f"{failure} (the batches before were right)") from None
        mean, var = result


@pytest.mark.task05_batchnorm_running_stats
def test_running_stats_default_momentum(student, ref, rng, expect):
    """The default momentum is 0.1"""
    x = rng.standard_normal((6, 3)) * 2.0 + 1.0
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    result = returned(student.batchnorm_running_stats(x, mean, var), "batchnorm_running_stats", "new_mean, new_var")
    expected = ref.batchnorm_running_stats(x, mean, var)
    wrong = {what: rule(x, mean, var, 0.1) for what, rule in MISTAKES.items()}
    expect(result[0], expected[0], name="new_mean with the default momentum",
           variants={what: path[0] for what, path in wrong.items()})
    expect(result[1], expected[1], name="new_var with the default momentum",
           variants={what: path[1] for what, path in wrong.items()})


@pytest.mark.task05_batchnorm_running_stats
@pytest.mark.contract("domain_edge")
def test_running_stats_momentum_at_the_ends(student, ref, rng, expect):
    """momentum 1 (the batch's statistics alone) and momentum 0 (the running ones, unchanged), the ends of [0, 1]"""
    # Momentum 0 returns the running statistics, as a function returning its input does: the
    # same test checks momentum 1, where the batch's statistics replace them.
    x = rng.standard_normal((5, 3)) * 2.0 + 1.0
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    for momentum in (1.0, 0.0):
        result = returned(student.batchnorm_running_stats(x, mean, var, momentum=momentum),
                          "batchnorm_running_stats", "new_mean, new_var")
        expected = ref.batchnorm_running_stats(x, mean, var, momentum=momentum)
        wrong = {what: rule(x, mean, var, momentum) for what, rule in MISTAKES.items()}
        for index, output in enumerate(("new_mean", "new_var")):
            expect(result[index], expected[index], name=f"{output} for momentum = {momentum:g}",
                   variants={what: path[index] for what, path in wrong.items()})
