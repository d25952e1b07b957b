"""Hidden tests: positional_encoding, and layernorm_forward / layernorm_backward reused from
assignment 5 (applied to the (N*T, D) rows of a sequence).

Positional encoding: even and odd widths, one position, one feature, another base. Layer norm:
rows of different offsets and a single feature; the backward from the student's own cache when
their forward is right, otherwise from the documented (x_hat, gamma, inv_std).
"""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.returns import returned

# (T, D)
PE_CASES = [(6, 4), (10, 16), (5, 7), (1, 8), (4, 1), (50, 32)]
PE_IDS = ["T6 D4", "T10 D16", "odd D", "T=1", "D=1", "T50 D32"]
LN_CASES = [(8, 6), (3, 1), (1, 5), (12, 4)]
LN_IDS = ["N*T=8", "one feature", "one row", "N*T=12"]
# With one feature x_hat = 0: dx = dgamma = 0 for any dout, so those are checked with dbeta
LN_BACKWARD_CASES = [case for case, name in zip(LN_CASES, LN_IDS) if name != "one feature"]
LN_BACKWARD_IDS = [name for name in LN_IDS if name != "one feature"]


def encoding(t, d, base=10000.0, exponent="2i", swap=False):
    p = np.arange(t)[:, None]
    even = np.arange(0, d, 2)
    power = even / d if exponent == "2i" else (even // 2) / d
    angles = p / base ** power
    first, second = (np.cos, np.sin) if swap else (np.sin, np.cos)
    pe = np.zeros((t, d))
    pe[:, 0::2] = first(angles)
    pe[:, 1::2] = second(angles[:, : d // 2])
    return pe


def pe_variants(t, d, base=10000.0):
    variants = {
        "the exponent uses i instead of 2i: the angle of columns 2i and 2i+1 is p / base^(2i/D)":
            encoding(t, d, base, exponent="i"),
        "sin and cos are swapped: even columns (0, 2, ...) hold the sines": encoding(t, d, base, swap=True),
    }
    return {text: value for text, value in variants.items() if not np.allclose(value, encoding(t, d, base))}


@pytest.mark.task09_positional_encoding
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("t,d", PE_CASES, ids=PE_IDS)
def test_positional_encoding(student, ref, expect, t, d):
    """the (T, D) sinusoidal encoding"""
    expect(student.positional_encoding(t, d), ref.positional_encoding(t, d), name="pe", variants=pe_variants(t, d))


@pytest.mark.task09_positional_encoding
def test_positional_encoding_base(student, ref, expect):
    """base= sets the wavelength scale"""
    expect(student.positional_encoding(6, 6, base=100.0), ref.positional_encoding(6, 6, base=100.0), name="pe",
           variants={"the base argument is ignored (10000 is used)": encoding(6, 6), **pe_variants(6, 6, 100.0)})


# -- layer norm -----------------------------------------------------------------------------


def layer(rng, rows, d):
    x = rng.normal(0.0, 4.0, (rows, 1)) + rng.uniform(0.5, 3.0, (rows, 1)) * rng.standard_normal((rows, d))
    return x, rng.uniform(0.5, 2.0, d), rng.standard_normal(d)


@pytest.mark.task09_layernorm_forward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("rows,d", LN_CASES, ids=LN_IDS)
def test_layernorm_forward(student, pair, ref, rng, expect, rows, d):
    """each row normalised over its features, then scaled and shifted"""
    x, gamma, beta = layer(rng, rows, d)
    out, _ = pair(student.layernorm_forward(x, gamma, beta), "layernorm_forward")
    mean, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    expect(out, ref.layernorm_forward(x, gamma, beta)[0], name="out", variants={
        "normalised over the rows (axis 0), as batchnorm does; layer norm normalises each row over its "
        "features (axis 1)": gamma * (x - mean) / np.sqrt(var + 1e-5) + beta})


@pytest.mark.task09_layernorm_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("output", ["dx", "dgamma", "dbeta"])
@pytest.mark.parametrize("rows,d", LN_BACKWARD_CASES, ids=LN_BACKWARD_IDS)
def test_layernorm_backward(student, ref, rng, expect, own_cache, rows, d, output):
    """one gradient of layer norm, from your own forward cache"""
    x, gamma, beta = layer(rng, rows, d)
    dout = rng.standard_normal(x.shape)
    grads = returned(student.layernorm_backward(dout, own_cache("layernorm_forward", x, gamma, beta)),
                     "layernorm_backward", "dx, dgamma, dbeta")
    reference_cache = ref.layernorm_forward(x, gamma, beta)[1]
    x_hat, _, inv_std = reference_cache
    index = ["dx", "dgamma", "dbeta"].index(output)
    variants = {"dx": {"dx misses the variance path (the - x_hat * sum(g * x_hat) term)":
                       inv_std / d * (d * dout * gamma - (dout * gamma).sum(axis=1, keepdims=True))},
                "dgamma": {"dgamma = sum(dout): that is dbeta; dgamma = sum over the rows of dout * x_hat":
                           dout.sum(axis=0)},
                "dbeta": {}}[output]
    expect(grads[index], ref.layernorm_backward(dout, reference_cache)[index], name=output, kind="gradients",
           variants=variants)


@pytest.mark.task09_layernorm_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.weight(3)
def test_layernorm_backward_one_feature(student, ref, rng, expect, own_cache):
    """one feature: x_hat = 0, so dx = 0 and dgamma = 0, and dbeta = the column sum of dout"""
    x, gamma, beta = layer(rng, 3, 1)
    dout = rng.standard_normal(x.shape)
    grads = returned(student.layernorm_backward(dout, own_cache("layernorm_forward", x, gamma, beta)),
                     "layernorm_backward", "dx, dgamma, dbeta")
    expected = ref.layernorm_backward(dout, ref.layernorm_forward(x, gamma, beta)[1])
    expect_each(expect, [(f"{name} with one feature", got, want, {"kind": "gradients"})
                         for name, got, want in zip(["dx", "dgamma", "dbeta"], grads, expected)])
