"""Hidden tests: unigram_distribution (the 3/4 power, ties, zero counts), sample_negatives (the
documented draw, zero-probability words), sgns_loss_vectors and sgns_loss (values, gradients,
one negative, one pair, huge scores, repeated words)."""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.errors import StudentException


def new_seed(rng):
    return int(rng.integers(2**32))


# -- the noise distribution --------------------------------------------------------------------

def unigram_variants(counts):
    c = np.asarray(counts, dtype=np.float64)
    return {"the exponent 0.75 is missing: P(w) is proportional to count**0.75, not to the count":
            c / c.sum(),
            "normalised before raising to the power 0.75: raise the counts first, then divide by their sum":
            (c / c.sum()) ** 0.75,
            "used the square root: the exponent is 0.75": np.sqrt(c) / np.sqrt(c).sum()}


COUNT_CASES = {
    "random counts": lambda rng: rng.integers(1, 500, 12),
    "ties and zero counts": lambda rng: np.array([7, 0, 7, 3, 0, 120, 3, 7]),
    "float counts": lambda rng: rng.uniform(0.5, 50.0, 6),
    "a single non-zero count": lambda rng: np.array([0, 0, 9, 0]),
}


@pytest.mark.task10_unigram_distribution
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("case", list(COUNT_CASES))
def test_unigram_distribution(student, ref, rng, expect, case):
    """counts**0.75, normalised"""
    counts = COUNT_CASES[case](rng)
    expect(student.unigram_distribution(counts), ref.unigram_distribution(counts), name="probs",
           variants=unigram_variants(counts))


@pytest.mark.task10_unigram_distribution
@pytest.mark.contract("domain_edge")
def test_unigram_distribution_one_word(student, ref, expect):
    """a vocabulary of one word has probability 1 (and [42, 0, 7] in the same test: all ones is wrong there)"""
    for counts in (np.array([42]), np.array([42, 0, 7])):
        expect(student.unigram_distribution(counts), ref.unigram_distribution(counts), name=f"probs of {counts}",
               variants=unigram_variants(counts))


@pytest.mark.task10_unigram_distribution
@pytest.mark.weight(0.5)
def test_unigram_distribution_other_power(student, ref, rng, expect):
    """the power argument is used (power=0.5 and power=0: zero counts stay at probability 0)"""
    counts = np.array([4, 0, 9, 16, 1])
    for power in (0.5, 0.0):
        weights = counts.astype(float) ** power
        variants = {"power ignored: the counts were raised to 0.75 whatever power was given":
                    ref.unigram_distribution(counts)}
        if power == 0.0:
            variants["words of count 0 got a probability: 0 ** 0 = 1 in NumPy, but a word that never occurs "
                     "keeps probability 0 for every power"] = weights / weights.sum()
        expect(student.unigram_distribution(counts, power=power), ref.unigram_distribution(counts, power=power),
               name=f"probs with power={power}", variants=variants)


@pytest.mark.task10_unigram_distribution
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("counts", [[0, 0, 0], [3, -1, 2]], ids=["all zero", "negative count"])
def test_unigram_distribution_rejects_bad_counts(student, ref, expect, counts):
    """counts that are all zero or negative raise ValueError (and [3, 0, 2] is accepted)"""
    valid = np.array([3, 0, 2])
    expect(student.unigram_distribution(valid), ref.unigram_distribution(valid), name="probs of [3, 0, 2]")
    try:
        student.unigram_distribution(np.array(counts))
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"counts {counts} raised {error.type_name}, expected ValueError") from None
        return
    raise GradeFailure(f"counts {counts} were accepted: raise ValueError (counts must be non-negative, "
                       f"at least one positive)")


# -- the sampler -------------------------------------------------------------------------------

PROB_CASES = {
    "random": lambda rng: rng.dirichlet(np.ones(9)),
    "zero-probability words": lambda rng: np.array([0.0, 0.25, 0.0, 0.5, 0.25, 0.0]),
}
NK = [(5, 3), (1, 1), (4, 1), (1, 7)]
NK_IDS = ["N=5,K=3", "one pair, one negative", "one negative", "one pair"]


def check_negatives(student, ref, expect, probs, n, k, seed):
    got = student.sample_negatives(probs, n, k, np.random.default_rng(seed))
    g = np.random.default_rng(seed)
    variants = {"drew uniformly (rng.integers): draw from probs with rng.choice(V, size=(n, k), p=probs)":
                g.integers(0, probs.shape[0], size=(n, k))}
    expect(got, ref.sample_negatives(probs, n, k, np.random.default_rng(seed)), name=f"negatives from {probs}",
           variants=variants)


@pytest.mark.task10_sample_negatives
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("n, k", NK, ids=NK_IDS)
@pytest.mark.parametrize("case", list(PROB_CASES))
def test_sample_negatives(student, ref, rng, expect, case, n, k):
    """rng.choice(V, size=(n, k), p=probs), same generator state"""
    check_negatives(student, ref, expect, PROB_CASES[case](rng), n, k, new_seed(rng))


@pytest.mark.task10_sample_negatives
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("n, k", NK, ids=NK_IDS)
def test_sample_negatives_one_possible_word(student, ref, rng, expect, n, k):
    """probs [0, 1, 0]: every negative is word 1 (and 20 draws from spread-out probs in the same test)"""
    check_negatives(student, ref, expect, np.array([0.0, 1.0, 0.0]), n, k, new_seed(rng))
    check_negatives(student, ref, expect, np.array([0.1, 0.2, 0.3, 0.4]), 4, 5, new_seed(rng))


@pytest.mark.task10_sample_negatives
@pytest.mark.weight(1.5)
def test_sample_negatives_frequencies(student, rng):
    """20000 draws: words of probability 0 never, the others in proportion (integer indices)"""
    probs = np.array([0.05, 0.0, 0.5, 0.3, 0.0, 0.15])
    got = np.asarray(student.sample_negatives(probs, 4000, 5, np.random.default_rng(new_seed(rng))))
    if got.shape != (4000, 5):
        raise GradeFailure(f"negatives has shape {got.shape}, expected (n, k) = (4000, 5)")
    if got.dtype.kind not in "iu":
        raise GradeFailure(f"negatives has dtype {got.dtype}: return integer word indices")
    if got.min() < 0 or got.max() >= probs.size:
        raise GradeFailure(f"negatives holds {got.min()}..{got.max()}, outside [0, V) = [0, {probs.size})")
    freq = np.bincount(got.ravel(), minlength=probs.size) / got.size
    if freq[1] or freq[4]:
        raise GradeFailure("words of probability 0 were drawn: sample from probs, not uniformly")
    band = 5 * np.sqrt(probs * (1 - probs) / got.size) + 1e-12
    worst = int(np.argmax(np.abs(freq - probs) / band))
    if abs(freq[worst] - probs[worst]) > band[worst]:
        raise GradeFailure(f"word {worst} came out with frequency {freq[worst]:.4f}, expected {probs[worst]:.2f}")


# -- SGNS on vectors ---------------------------------------------------------------------------

VECTOR_OUTPUTS = ["loss", "dv", "du_pos", "du_neg"]


def sig(s):
    return 0.5 * (1.0 + np.tanh(0.5 * s))


def sgns_by_formula(v, u_pos, u_neg, *, negative_sign=-1.0, divide=True):
    """The SGNS loss and gradients; negative_sign=+1 is the classic sign mistake log sigma(+s)."""
    n = v.shape[0] if divide else 1
    s_pos = np.sum(u_pos * v, axis=1)
    s_neg = np.einsum("nkd,nd->nk", u_neg, v)
    loss = (np.sum(np.logaddexp(0.0, -s_pos)) + np.sum(np.logaddexp(0.0, negative_sign * s_neg))) / n
    g_pos = -sig(-s_pos) / n
    g_neg = -negative_sign * sig(-negative_sign * s_neg) / n
    return (float(loss), g_pos[:, None] * u_pos + np.einsum("nk,nkd->nd", g_neg, u_neg), g_pos[:, None] * v,
            g_neg[:, :, None] * v[:, None, :])


def vector_variants(v, u_pos, u_neg):
    flipped = sgns_by_formula(v, u_pos, u_neg, negative_sign=1.0)
    variants = {"the sign of the negative term: it is log sigmoid(-u_neg . v), a low score of a random word is the "
                "goal": flipped}
    if v.shape[0] > 1:
        variants["summed over the pairs instead of averaged: divide by N"] = sgns_by_formula(v, u_pos, u_neg,
                                                                                           divide=False)
    return variants


def vector_inputs(rng, n, k, d, scale=0.7):
    return scale * rng.standard_normal((n, d)), scale * rng.standard_normal((n, d)), scale * rng.standard_normal((n, k, d))


@pytest.mark.task10_sgns_loss_vectors
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("output", VECTOR_OUTPUTS)
@pytest.mark.parametrize("shape", [(4, 3, 5), (1, 2, 3), (3, 1, 4), (1, 1, 1), (6, 5, 2)],
                         ids=["N=4,K=3", "one pair", "one negative", "sizes 1", "N=6,K=5"])
def test_sgns_vectors(student, ref, rng, expect, shape, output):
    """the loss and each gradient"""
    args = vector_inputs(rng, *shape)
    got = returned(student.sgns_loss_vectors(*args), "sgns_loss_vectors", ", ".join(VECTOR_OUTPUTS))
    want = ref.sgns_loss_vectors(*args)
    index = VECTOR_OUTPUTS.index(output)
    variants = {k: v[index] for k, v in vector_variants(*args).items()}
    expect(got[index], want[index], name=output, kind="values" if index == 0 else "gradients", variants=variants)


@pytest.mark.task10_sgns_loss_vectors
@pytest.mark.parametrize("output", VECTOR_OUTPUTS)
def test_sgns_vectors_huge_scores(student, ref, rng, expect, output):
    """scores in the hundreds, both signs: log(sigmoid) must be computed stably"""
    args = vector_inputs(rng, 3, 4, 3, scale=15.0)
    got = returned(student.sgns_loss_vectors(*args), "sgns_loss_vectors", ", ".join(VECTOR_OUTPUTS))
    index = VECTOR_OUTPUTS.index(output)
    expect(got[index], ref.sgns_loss_vectors(*args)[index], name=output,
           kind="values" if index == 0 else "gradients")


@pytest.mark.task10_sgns_loss_vectors
@pytest.mark.weight(0.5)
def test_sgns_vectors_known_value(student, expect):
    """v = 0: every score is 0 and the loss is (1 + K) log 2"""
    loss, *_ = returned(student.sgns_loss_vectors(np.zeros((2, 3)), np.ones((2, 3)), np.ones((2, 4, 3))),
                        "sgns_loss_vectors", ", ".join(VECTOR_OUTPUTS))
    expect(loss, 5 * np.log(2.0), name="loss")


# -- SGNS on tables ----------------------------------------------------------------------------

TABLE_OUTPUTS = ["loss", "dw_in", "dw_out"]


def buffered(w_in, w_out, centers, contexts, negatives, ref):
    """The classic mistake: dw[idx] += g keeps one contribution per repeated index."""
    loss, dv, du_pos, du_neg = ref.sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    dw_in, dw_out = np.zeros_like(w_in), np.zeros_like(w_out)
    dw_in[centers] += dv
    dw_out[contexts] += du_pos
    dw_out[negatives] += du_neg
    return loss, dw_in, dw_out


def table_variants(ref, w_in, w_out, centers, contexts, negatives):
    loss, dv, du_pos, du_neg = ref.sgns_loss_vectors(w_in[centers], w_out[contexts], w_out[negatives])
    only_neg, only_ctx = np.zeros_like(w_out), np.zeros_like(w_out)
    np.add.at(only_neg, negatives, du_neg)
    np.add.at(only_ctx, contexts, du_pos)
    return {"the gradient was not accumulated for repeated words (dw[idx] += g is buffered): use np.add.at":
            buffered(w_in, w_out, centers, contexts, negatives, ref),
            "dw_out has only the negatives' gradients: the contexts' du_pos goes to w_out too": (None, None, only_neg),
            "dw_out has only the contexts' gradients: the negatives' du_neg goes to w_out too": (None, None, only_ctx)}


def table_inputs(rng, vocab, d, n, k, *, repeats=True):
    w_in, w_out = 0.7 * rng.standard_normal((vocab, d)), 0.7 * rng.standard_normal((vocab, d))
    centers, contexts = rng.integers(0, vocab, n), rng.integers(0, vocab, n)
    negatives = rng.integers(0, vocab, (n, k))
    if repeats and n > 1:
        centers[-1] = centers[0]
        contexts[-1] = contexts[0]
        negatives[0, 0] = contexts[0]  # a context that is also a negative
    return w_in, w_out, centers, contexts, negatives


TABLE_SHAPES = [(8, 3, 6, 2), (5, 4, 1, 1), (6, 2, 5, 1), (3, 2, 10, 4), (12, 5, 4, 3)]
TABLE_IDS = ["V=8,N=6,K=2", "one pair, one negative", "one negative", "V=3 (many repeats)", "V=12"]


@pytest.mark.task10_sgns_loss
@pytest.mark.parametrize("output", TABLE_OUTPUTS)
@pytest.mark.parametrize("shape", TABLE_SHAPES, ids=TABLE_IDS)
def test_sgns_tables(student, ref, rng, expect, shape, output):
    """the loss and the two tables' gradients, with repeated words"""
    args = table_inputs(rng, *shape)
    got = returned(student.sgns_loss(*args), "sgns_loss", ", ".join(TABLE_OUTPUTS))
    want = ref.sgns_loss(*args)
    index = TABLE_OUTPUTS.index(output)
    variants = {k: v[index] for k, v in table_variants(ref, *args).items() if v[index] is not None}
    expect(got[index], want[index], name=output, kind="values" if index == 0 else "gradients", variants=variants)


@pytest.mark.task10_sgns_loss
@pytest.mark.contract("domain_edge")
def test_sgns_one_word_everywhere(student, ref, rng, expect):
    """every centre, context and negative is the same word"""
    w_in, w_out = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    idx = np.full(5, 2, dtype=np.int64)
    got = returned(student.sgns_loss(w_in, w_out, idx, idx.copy(), np.full((5, 3), 2, dtype=np.int64)), "sgns_loss",
                   ", ".join(TABLE_OUTPUTS))
    negatives = np.full((5, 3), 2, dtype=np.int64)
    want = ref.sgns_loss(w_in, w_out, idx, idx, negatives)
    variants = table_variants(ref, w_in, w_out, idx, idx, negatives)
    expect_each(expect, [(name, g, w, {"kind": "values" if name == "loss" else "gradients",
                                       "variants": {k: v[i] for k, v in variants.items() if v[i] is not None}})
                         for i, (name, g, w) in enumerate(zip(TABLE_OUTPUTS, got, want))])


@pytest.mark.task10_sgns_loss
@pytest.mark.contract("domain_edge")
def test_sgns_first_and_last_words(student, ref, rng, expect):
    """indices at both ends of [0, V): word 0 and word V - 1 as centres, contexts and negatives"""
    w_in, w_out, centers, contexts, negatives = table_inputs(rng, 7, 3, 4, 3)
    centers[:2], contexts[:2] = [0, 6], [6, 0]
    negatives[1:3] = [[0, 6, 0], [6, 6, 0]]
    got = returned(student.sgns_loss(w_in, w_out, centers, contexts, negatives), "sgns_loss", ", ".join(TABLE_OUTPUTS))
    want = ref.sgns_loss(w_in, w_out, centers, contexts, negatives)
    variants = table_variants(ref, w_in, w_out, centers, contexts, negatives)
    expect_each(expect, [(name, g, w, {"kind": "values" if name == "loss" else "gradients",
                                       "variants": {k: v[i] for k, v in variants.items() if v[i] is not None}})
                         for i, (name, g, w) in enumerate(zip(TABLE_OUTPUTS, got, want))])


@pytest.mark.task10_sgns_loss
@pytest.mark.weight(0.5)
def test_sgns_int32_indices(student, ref, rng, expect):
    """int32 indices work like int64"""
    w_in, w_out, c, o, neg = table_inputs(rng, 6, 3, 4, 2)
    got = returned(student.sgns_loss(w_in, w_out, c.astype(np.int32), o.astype(np.int32), neg.astype(np.int32)),
                   "sgns_loss", ", ".join(TABLE_OUTPUTS))
    for name, g, w in zip(TABLE_OUTPUTS, got, ref.sgns_loss(w_in, w_out, c, o, neg)):
        expect(g, w, name=name, kind="values" if name == "loss" else "gradients")


@pytest.mark.task10_sgns_loss
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("where, bad", [("negatives", -1), ("centers", "V")], ids=["negative -1", "centre V"])
def test_sgns_rejects_out_of_range(student, ref, rng, expect, where, bad):
    """an index outside [0, V) raises ValueError (and indices inside it are accepted)"""
    w_in, w_out, c, o, neg = table_inputs(rng, 5, 3, 3, 2, repeats=False)
    got = returned(student.sgns_loss(w_in, w_out, c, o, neg), "sgns_loss", ", ".join(TABLE_OUTPUTS))
    for name, g, w in zip(TABLE_OUTPUTS, got, ref.sgns_loss(w_in, w_out, c, o, neg)):
        expect(g, w, name=f"{name} with every index in range", kind="values" if name == "loss" else "gradients")
    value = 5 if bad == "V" else bad
    if where == "negatives":
        neg[1, 1] = value
    else:
        c[2] = value
    try:
        student.sgns_loss(w_in, w_out, c, o, neg)
    except StudentException as error:
        if error.type_name != "ValueError":
            raise GradeFailure(f"an index of {value} in {where} with V = 5 raised {error.type_name}, expected "
                               f"ValueError (check the range before indexing)") from None
        return
    raise GradeFailure(f"an index of {value} in {where} with V = 5 was accepted: raise ValueError for indices "
                       f"outside [0, V) (NumPy silently wraps -1 to the last word)")
