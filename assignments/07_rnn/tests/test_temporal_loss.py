"""Hidden tests: temporal_softmax_cross_entropy (mask; sum over steps, divided by N)."""

import numpy as np
import pytest

from grader.suite.returns import returned

OUTPUTS = ["loss", "dx"]
# case: (N, T, V, how the mask and labels are made, score scale)
CASES = {
    "full mask": (3, 4, 5, "full", 1.0),
    "N=1, T=1": (1, 1, 2, "full", 1.0),
    "partial mask": (4, 5, 3, "partial", 1.0),
    "padding labels -1": (3, 6, 4, "padding", 1.0),
    "all steps masked": (2, 3, 4, "none", 1.0),
    "large scores": (3, 4, 5, "partial", 1000.0),
}


def loss_inputs(rng, n, t, vocab, masking, scale):
    x = rng.standard_normal((n, t, vocab)) * scale
    y = rng.integers(0, vocab, size=(n, t))
    if masking == "full":
        mask = np.ones((n, t), dtype=bool)
    elif masking == "none":
        mask = np.zeros((n, t), dtype=bool)
    elif masking == "partial":
        mask = rng.random((n, t)) < 0.6
        mask[0, 0], mask[-1, -1] = True, False
    else:  # sequences of different lengths, padded at the end with label -1
        lengths = rng.integers(1, t + 1, size=n)
        lengths[0] = t
        lengths[-1] = max(1, t - 2)
        mask = np.arange(t)[None, :] < lengths[:, None]
        y = np.where(mask, y, -1)
    return x, y, mask


def two(result):
    return returned(result, "temporal_softmax_cross_entropy", "loss, dx")


def variants(x, y, mask, output):
    n, t, vocab = x.shape
    shifted = x - x.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    # what a student who ignores the mask indexes with: -1 wraps to the last class, as in NumPy
    labels = np.asarray(y) % vocab
    nll = -np.take_along_axis(log_probs, labels[:, :, None], axis=2)[:, :, 0]
    grad = np.exp(log_probs)
    np.put_along_axis(grad, labels[:, :, None], np.take_along_axis(grad, labels[:, :, None], axis=2) - 1.0, axis=2)
    m = mask.astype(float)

    def both(weights, divisor):
        return {"loss": np.sum(weights * nll) / divisor, "dx": weights[:, :, None] * grad / divisor}[output]

    found = {
        "divided by N*T (every step) instead of by N, the number of sequences": both(m, n * t),
        "not divided by N, the number of sequences": both(m, 1.0),
        "the mask was ignored: padded steps count in the loss and get a gradient": both(np.ones_like(m), n),
    }
    if m.sum() > 0:
        found["divided by the number of unmasked steps instead of by N, the number of sequences"] = both(m, m.sum())
    return found


def step_regions(y, mask, vocabulary):
    """Named parts of dx (N, T, V): the padded steps, and the true label's entry of each counted step."""
    v = np.arange(vocabulary)
    return {"the padded steps (mask False), which get no gradient": ~mask[:, :, None],
            "the true label's entry of each counted step (the - onehot(y) part)":
                mask[:, :, None] & (np.where(mask, y, -1)[:, :, None] == v)}


@pytest.mark.task07_temporal_softmax_cross_entropy
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.contract("domain_edge")
def test_values(student, ref, rng, expect, case, output):
    """the loss and dx"""
    x, y, mask = loss_inputs(rng, *CASES[case])
    got = two(student.temporal_softmax_cross_entropy(x, y, mask))
    index = OUTPUTS.index(output)
    expected = ref.temporal_softmax_cross_entropy(x, y, mask)[index]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        known = variants(x, y, mask, output)
    expect(got[index], expected, name=output, kind="values" if output == "loss" else "gradients", variants=known,
           regions=step_regions(y, mask, x.shape[2]) if output == "dx" else None)
    if case == "all steps masked":
        # Loss 0 and dx 0 are what a function returning zeros gives too: the same weight group
        # checks a partly masked batch.
        x, y, mask = loss_inputs(rng, *CASES["partial mask"])
        got = two(student.temporal_softmax_cross_entropy(x, y, mask))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            known = variants(x, y, mask, output)
        expect(got[index], ref.temporal_softmax_cross_entropy(x, y, mask)[index], name=f"{output} (partial mask)",
               kind="values" if output == "loss" else "gradients", variants=known)
