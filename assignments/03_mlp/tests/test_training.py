"""Hidden tests of minibatches and sgd_epoch.

Both are deterministic given the generator: the student's function and the reference get
generators in the same state, so the batches, and the parameters after an epoch, must agree.
sgd_epoch runs the student's own minibatches, mlp_forward and mlp_backward, as the docstring
asks; known mistakes of the loop itself (sign, batch scaling, loss weighting) are named.
"""

import math

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.protocol import Handle

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "minibatches": {"dtype": "returns integer index arrays only", "purity": "takes no array argument (N, a batch "
                    "size and a Generator, which travels by value)"},
}

# (n, batch_size): a smaller last batch, an exact multiple, one batch of exactly n, a batch larger
# than n, single examples, n = 1, a realistic size
SPLITS = [(10, 3), (12, 4), (7, 7), (5, 10), (6, 1), (1, 1), (100, 32)]
SPLIT_IDS = [f"n{n}-B{b}" for n, b in SPLITS]


def batch_list(result, n, batch_size):
    if isinstance(result, Handle) or not isinstance(result, (list, tuple)):
        kind = "an object that cannot be sent as plain data (a generator?)" if isinstance(result, Handle) \
            else f"a {type(result).__name__}"
        raise AssertionError(f"minibatches should return a list of index arrays, got {kind}")
    batches = [np.asarray(b) for b in result]
    want = math.ceil(n / batch_size)
    if len(batches) != want:
        sizes = [int(b.size) for b in batches]
        if len(batches) == n // batch_size and sum(sizes) == batch_size * (n // batch_size):
            raise AssertionError(f"{len(batches)} batches for n={n}, batch_size={batch_size}, expected {want}: "
                                 f"the last, smaller batch of {n % batch_size} is missing (keep it: every example "
                                 f"is used once per epoch)")
        raise AssertionError(f"{len(batches)} batches of sizes {sizes} for n={n}, batch_size={batch_size}; "
                             f"expected {want} (all of size batch_size, the last one possibly smaller)")
    for k, b in enumerate(batches):
        if b.dtype.kind not in "iu":
            raise AssertionError(f"batch {k} has dtype {b.dtype}: indices must be integers "
                                 "(rng.permutation gives them)")
    return batches


@pytest.mark.task03_minibatches
@pytest.mark.parametrize("n,batch_size", SPLITS, ids=SPLIT_IDS)
@pytest.mark.contract("domain_edge")
def test_minibatches_match_the_permutation(student, ref, rng, expect, n, batch_size):
    """The batches are rng.permutation(n) cut in order, the last one possibly smaller"""
    seed = int(rng.integers(2**32))
    batches = batch_list(student.minibatches(n, batch_size, rng=np.random.default_rng(seed)), n, batch_size)
    expected = ref.minibatches(n, batch_size, rng=np.random.default_rng(seed))
    everything = np.sort(np.concatenate(batches)) if batches else np.array([], dtype=np.int64)
    assert everything.shape == (n,) and np.array_equal(everything, np.arange(n)), (
        f"the batches should contain every index 0..{n - 1} exactly once")
    in_order = np.arange(n)
    for k, (got, want) in enumerate(zip(batches, expected)):
        start = k * batch_size
        variants = {}
        if n > 1:
            variants["the indices are not shuffled: use p = rng.permutation(n) and cut p, not 0..n-1"] = \
                in_order[start:start + batch_size]
            variants["each batch is sorted: cut the permutation as it comes"] = np.sort(want)
        variants = {d: v for d, v in variants.items() if not np.array_equal(v, want)}
        expect(got, want, name=f"batch {k}", variants=variants)
    if n == 1:
        # One example has one possible batch, [0], which a constant matches: the same weight group
        # also checks a shuffled pair of batches.
        batches = batch_list(student.minibatches(3, 2, rng=np.random.default_rng(seed)), 3, 2)
        for k, (got, want) in enumerate(zip(batches, ref.minibatches(3, 2, rng=np.random.default_rng(seed)))):
            expect(got, want, name=f"batch {k} of n=3, batch_size=2")


@pytest.mark.task03_minibatches
@pytest.mark.weight(0.5)
def test_minibatches_differ_between_generators(student, rng):
    """Two different generator states give two different orders (the shuffle uses rng)"""
    seeds = rng.integers(2**32, size=2)
    first, second = (np.concatenate(batch_list(student.minibatches(50, 8, rng=np.random.default_rng(int(s))), 50, 8))
                     for s in seeds)
    assert not np.array_equal(first, second), (
        "two different generators gave the same order: shuffle with the rng argument (rng.permutation(n))")


# --- sgd_epoch ---------------------------------------------------------------------------------

def network(rng, sizes):
    params = {}
    for layer, (m_in, m_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"w{layer}"] = rng.standard_normal((m_in, m_out)) / np.sqrt(m_in)
        params[f"b{layer}"] = 0.1 * rng.standard_normal(m_out)
    return params


def replay(ref, params, x, y, *, lr, batch_size, seed, sign=-1.0, per="batch", order="shuffled", drop_last=False):
    """The epoch, or one of its known mistakes: returns (params, weighted mean, plain mean, last batch's loss)."""
    n = x.shape[0]
    if order == "shuffled":
        batches = ref.minibatches(n, batch_size, rng=np.random.default_rng(seed))
    else:
        batches = [np.arange(n)[s:s + batch_size] for s in range(0, n, batch_size)]
    if drop_last and len(batches) > 1 and batches[-1].size < batch_size:
        batches = batches[:-1]
    losses, sizes = [], []
    for batch in batches:
        scores, cache = ref.mlp_forward(x[batch], params)
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(batch.size)
        losses.append(float(-log_probs[rows, y[batch]].mean()))
        sizes.append(batch.size)
        dscores = np.exp(log_probs)
        dscores[rows, y[batch]] -= 1.0
        grads = ref.mlp_backward(dscores / (batch.size if per == "batch" else n), cache)
        params = {k: params[k] + sign * lr * grads[k] for k in params}
    weighted = float(np.dot(losses, sizes) / np.sum(sizes))
    return params, weighted, float(np.mean(losses)), losses[-1], float(np.sum(losses))


def expect_loss(expect, got, expected, *, name="mean_loss", variants=None, params_right=None):
    """A scalar: a plain comparison when no known mistake matches, saying whether the new
    parameters of the same call were right (params_right), which tells where to look."""
    try:
        expect(got, expected, name=name, variants=variants)
    except AssertionError as failure:
        if not any(word in str(failure) for word in ("constant factor", "all zeros", "wrong sign", "wrong value")):
            raise  # a known mistake, NaN, or not a number at all: the diagnosis says it best
        if params_right is None:
            where = ("if new_params are wrong too, fix them first: each batch's loss depends on the parameters "
                     "it sees")
        elif params_right:
            where = ("new_params are right, so the updates are: what is wrong is how each batch's loss is "
                     "computed or how the batch losses are combined")
        else:
            where = ("new_params are wrong too: fix them first (see that test), each batch's loss depends on the "
                     "parameters it sees")
        raise AssertionError(f"{name} is {float(np.asarray(got, dtype=np.float64)):.6g}, expected {expected:.6g} "
                             f"({where})") from None


def same_params(got, expected):
    """True when every parameter of ``got`` equals the expected one within the values tolerance."""
    try:
        return all(np.shape(got[key]) == value.shape and np.allclose(got[key], value, rtol=1e-6, atol=1e-8)
                   for key, value in expected.items())
    except (KeyError, TypeError, ValueError):
        return False


# (sizes, N, batch_size, lr): a smaller last batch, an exact multiple with 3 layers, one layer
# with a batch larger than N (plain gradient descent), a single example
EPOCHS = [([4, 6, 3], 10, 4, 0.3), ([3, 5, 4, 2], 9, 3, 0.2), ([5, 3], 7, 16, 0.5), ([2, 4, 3], 1, 1, 0.1),
          ([6, 8, 4], 23, 5, 0.4)]
EPOCH_IDS = ["L2-N10-B4", "L3-N9-B3", "L1-N7-B16", "L2-N1-B1", "L2-N23-B5"]


def epoch_case(student, rng, sizes, n, batch_size, lr, *, scale=1.0):
    params = network(rng, sizes)
    x = scale * rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    seed = int(rng.integers(2**32))
    result = student.sgd_epoch(params, x, y, lr=lr, batch_size=batch_size, rng=np.random.default_rng(seed))
    new_params, mean_loss = returned(result, "sgd_epoch", "new_params, mean_loss")
    assert isinstance(new_params, dict), (
        f"new_params should be a dict with the keys of params, got {type(new_params).__name__}")
    missing = sorted(set(params) - set(new_params))
    assert not missing, f"new_params lacks the keys {missing} (expected the keys of params, {sorted(params)})"
    return params, x, y, seed, new_params, mean_loss


@pytest.mark.task03_sgd_epoch
@pytest.mark.weight(3)
@pytest.mark.parametrize("sizes,n,batch_size,lr", EPOCHS, ids=EPOCH_IDS)
@pytest.mark.contract("domain_edge")
def test_sgd_epoch_new_params(student, ref, rng, expect, sizes, n, batch_size, lr):
    """The parameters after one epoch, batch by batch from minibatches(N, batch_size, rng=rng)"""
    params, x, y, seed, new_params, _ = epoch_case(student, rng, sizes, n, batch_size, lr)
    common = {"lr": lr, "batch_size": batch_size, "seed": seed}
    expected = replay(ref, params, x, y, **common)[0]
    mistakes = {
        "the step goes up the gradient (+ lr * grad): subtract it": replay(ref, params, x, y, sign=1.0, **common)[0],
        "dscores divided by N (the whole data set) instead of the batch's own size":
            replay(ref, params, x, y, per="all", **common)[0],
        "the batches are not shuffled: use minibatches(N, batch_size, rng=rng)":
            replay(ref, params, x, y, order="in order", **common)[0],
        "the last, smaller batch was skipped": replay(ref, params, x, y, drop_last=True, **common)[0],
    }
    for key in params:
        variants = {d: p[key] for d, p in mistakes.items() if not np.allclose(p[key], expected[key])}
        expect(new_params[key], expected[key], name=f"new_params[{key!r}]", variants=variants)


@pytest.mark.task03_sgd_epoch
@pytest.mark.parametrize("sizes,n,batch_size,lr", EPOCHS, ids=EPOCH_IDS)
def test_sgd_epoch_mean_loss(student, ref, rng, expect, sizes, n, batch_size, lr):
    """mean_loss: the batch losses (before each update) weighted by batch size"""
    params, x, y, seed, new_params, mean_loss = epoch_case(student, rng, sizes, n, batch_size, lr)
    expected_params, weighted, plain, last, total = replay(ref, params, x, y, lr=lr, batch_size=batch_size, seed=seed)
    variants = {
        "the plain mean of the batch losses: weight each batch by its size (the last batch is smaller)": plain,
        "the loss of the last batch only: average over the whole epoch": last,
        "the sum of the batch losses: average them, weighted by batch size": total,
    }
    variants = {d: v for d, v in variants.items() if not np.isclose(v, weighted)}
    expect_loss(expect, mean_loss, weighted, variants=variants,
                params_right=same_params(new_params, expected_params))


@pytest.mark.task03_sgd_epoch
@pytest.mark.weight(0.5)
def test_sgd_epoch_is_stable_for_huge_scores(student, ref, rng, expect):
    """Inputs of size 1000 give huge scores: the loss must stay finite (max-shifted log-softmax)"""
    params, x, y, seed, new_params, mean_loss = epoch_case(student, rng, [3, 4, 3], 6, 3, 1e-4, scale=1000.0)
    _, weighted, *_ = replay(ref, params, x, y, lr=1e-4, batch_size=3, seed=seed)
    expect_loss(expect, mean_loss, weighted, name="mean_loss with huge scores")
