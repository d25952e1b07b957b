"""Hidden tests of the ten elementwise activations (prelu, which has a parameter, is in
test_prelu.py).

One table, ACTIVATIONS, drives every test: per function, its keyword hyperparameter and the
known mistakes that the feedback names. Each forward is scored on random inputs of several
shapes (1-D, 2-D, 4-D with a batch of 1), at and around 0 when it has a kink there (the slope
convention at exactly 0), for |x| up to 1000 (numerical stability), with non-default
hyperparameters, and on its contract (a pair (out, cache), out float64 of x's shape). Each
backward gets the cache that the student's own forward returned, passed back untouched, so any
cache layout works; only when that forward raises does the backward get the layout the
docstring documents, so that an unfinished forward does not also cost the backward. dx is
compared with the gradient tolerance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.special import erf

from grader.worker.errors import StudentError

SHAPES = [(7,), (3, 5), (1, 3, 4, 5)]  # 1-D, 2-D, 4-D with a batch of 1
SHAPE_IDS = ["x".join(map(str, s)) for s in SHAPES]

LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
ROUNDED = "rounded constants (lambda = 1.0507, alpha = 1.6733): use every digit the docstring gives"
C = np.sqrt(2.0 / np.pi)


# -- the grader's own formulas, for the known mistakes -------------------------------------------

def sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def neg_exp(x):
    """e^x on the entries x <= 0 (1 elsewhere, where the branch is not used)."""
    return np.exp(np.minimum(x, 0.0))


def cdf(x):
    return 0.5 * (1.0 + erf(x / np.sqrt(2.0)))


def pdf(x):
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def tanh_u(x):
    return np.tanh(C * (x + 0.044715 * x**3))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + tanh_u(x))


def gelu_tanh_slope(x, chain=None):
    t = tanh_u(x)
    chain = C * (1.0 + 3 * 0.044715 * x * x) if chain is None else chain
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * chain


def selu(x, scale=LAMBDA, alpha=SELU_ALPHA):
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def selu_slope(x, scale=LAMBDA, alpha=SELU_ALPHA):
    return scale * np.where(x > 0, 1.0, alpha * neg_exp(x))


def softplus(z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# -- known mistakes: {what the student did, and what to do instead: that mistake's output} ------

def sigmoid_forward_mistakes(x, kw):
    return {"1 / (1 + e^{x}): the sign of the exponent is flipped, sigma(x) = 1 / (1 + e^{-x})": sig(-x)}


def sigmoid_backward_mistakes(x, dout, kw):
    s = sig(x)
    return {"dx = dout * out: the sigmoid's derivative is out * (1 - out)": dout * s,
            "dx = dout * (1 - out): the sigmoid's derivative is out * (1 - out)": dout * (1.0 - s)}


def tanh_forward_mistakes(x, kw):
    return {"2 sigma(x) - 1 is tanh(x / 2): the sigmoid's argument must be 2x": 2.0 * sig(x) - 1.0}


def tanh_backward_mistakes(x, dout, kw):
    t = np.tanh(x)
    return {"dx = dout * (1 - out): the square is missing, the derivative is 1 - out^2": dout * (1.0 - t),
            "dx = dout * (1 - x^2): square the output tanh(x), not the input x": dout * (1.0 - x * x)}


def relu_forward_mistakes(x, kw):
    return {"min(x, 0) instead of max(x, 0)": np.minimum(x, 0.0)}


def relu_backward_mistakes(x, dout, kw):
    return {"the gradient passes at x = 0 (a mask x >= 0): relu'(0) = 0 by convention, use x > 0":
                dout * (x >= 0),
            "the mask is on the wrong side (x < 0): the gradient flows where x > 0": dout * (x < 0),
            "the mask is on the wrong side (x <= 0): the gradient flows where x > 0": dout * (x <= 0),
            "dx = dout * relu(x): multiply dout by the mask (x > 0), not by the output": dout * np.maximum(x, 0.0)}


def leaky_relu_forward_mistakes(x, kw):
    alpha = kw.get("alpha", 0.01)
    found = {"alpha multiplies the positive side instead of the negative side": np.where(x > 0, alpha * x, x)}
    if alpha != 0.01:
        found["the default slope 0.01 instead of the alpha passed: use the keyword argument alpha"] = (
            np.where(x > 0, x, 0.01 * x))
    if not 0 <= alpha <= 1:
        found["np.maximum(x, alpha x) is leaky relu only for 0 <= alpha <= 1; alpha may be any float: use "
              "np.where(x > 0, x, alpha x)"] = np.maximum(x, alpha * x)
    return found


def leaky_relu_backward_mistakes(x, dout, kw):
    alpha = kw.get("alpha", 0.01)
    found = {"slope 1 at x = 0 (x >= 0): the slope at exactly 0 is alpha, use x > 0 for the slope 1":
                 dout * np.where(x >= 0, 1.0, alpha),
             "the two slopes are swapped: 1 for x > 0, alpha for x <= 0": dout * np.where(x > 0, alpha, 1.0)}
    if alpha != 0.01:
        found["the default slope 0.01 instead of the alpha passed: use the alpha of the cache"] = (
            dout * np.where(x > 0, 1.0, 0.01))
    return found


def elu_forward_mistakes(x, kw):
    alpha = kw.get("alpha", 1.0)
    return {"alpha e^x without the - 1: elu is alpha (e^x - 1) for x <= 0": np.where(x > 0, x, alpha * neg_exp(x)),
            "alpha ignored (alpha = 1 used): use the keyword argument alpha":
                np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))}


def elu_backward_mistakes(x, dout, kw):
    alpha = kw.get("alpha", 1.0)
    return {"the derivative alpha for x <= 0: it is alpha e^x there (= out + alpha)":
                dout * np.where(x > 0, 1.0, alpha),
            "slope 1 at x = 0 (x >= 0): the slope at exactly 0 is alpha e^0 = alpha, use x > 0 for the slope 1":
                dout * np.where(x >= 0, 1.0, alpha * neg_exp(x)),
            "e^x without the factor alpha for x <= 0: the derivative there is alpha e^x":
                dout * np.where(x > 0, 1.0, neg_exp(x))}


def selu_forward_mistakes(x, kw):
    return {ROUNDED: selu(x, 1.0507, 1.6733),
            "the scale lambda is missing: selu is lambda times an elu with alpha = 1.6732...": selu(x, 1.0),
            "lambda only on the positive side: it scales both sides": np.where(x > 0, LAMBDA * x,
                                                                               selu(x, 1.0))}


def selu_backward_mistakes(x, dout, kw):
    return {ROUNDED: dout * selu_slope(x, 1.0507, 1.6733),
            "slope lambda at x = 0 (x >= 0): the slope at exactly 0 is lambda alpha, use x > 0 for lambda":
                dout * LAMBDA * np.where(x >= 0, 1.0, SELU_ALPHA * neg_exp(x)),
            "the derivative lambda alpha for x <= 0: it is lambda alpha e^x there":
                dout * LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA),
            "the scale lambda is missing from the derivative": dout * selu_slope(x, 1.0)}


def gelu_forward_mistakes(x, kw):
    return {"the tanh approximation (that is gelu_tanh): this task is the exact gelu x Phi(x) with erf":
                gelu_tanh(x),
            "erf(x) instead of erf(x / sqrt(2))": 0.5 * x * (1.0 + erf(x))}


def gelu_backward_mistakes(x, dout, kw):
    return {"dx = dout * Phi(x): the product rule's term x phi(x) is missing": dout * cdf(x),
            "the derivative of the tanh approximation (gelu_tanh): this task is the exact gelu":
                dout * gelu_tanh_slope(x)}


def gelu_tanh_forward_mistakes(x, kw):
    return {"the exact erf gelu: this task is the tanh approximation 0.5 x (1 + tanh(u))": x * cdf(x),
            "0.044715 x^2 instead of 0.044715 x^3 inside u":
                0.5 * x * (1.0 + np.tanh(C * (x + 0.044715 * x * x)))}


def gelu_tanh_backward_mistakes(x, dout, kw):
    return {"the factor sqrt(2/pi) of du/dx is missing (du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2))":
                dout * gelu_tanh_slope(x, chain=1.0 + 3 * 0.044715 * x * x),
            "the term 3 * 0.044715 x^2 of du/dx is missing (du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2))":
                dout * gelu_tanh_slope(x, chain=C),
            "dx = dout * 0.5 (1 + t): the product rule's second term is missing": dout * 0.5 * (1.0 + tanh_u(x)),
            "the exact gelu's derivative: this task is the tanh approximation": dout * (cdf(x) + x * pdf(x))}


def softplus_forward_mistakes(x, kw):
    beta = kw.get("beta", 1.0)
    if beta == 1.0:
        return {}
    return {"beta ignored: log(1 + e^x); use the keyword argument beta": softplus(x),
            "the factor 1 / beta is missing: softplus is log(1 + e^{beta x}) / beta": softplus(beta * x)}


def softplus_backward_mistakes(x, dout, kw):
    beta = kw.get("beta", 1.0)
    if beta == 1.0:
        return {}
    return {"sigma(x), beta ignored: the derivative is sigma(beta x), with the beta of the cache": dout * sig(x),
            "beta sigma(beta x): the chain rule's beta cancels the 1 / beta, the derivative is sigma(beta x)":
                dout * beta * sig(beta * x)}


def silu_forward_mistakes(x, kw):
    return {"sigma(x) alone: silu is x sigma(x)": sig(x)}


def silu_backward_mistakes(x, dout, kw):
    s = sig(x)
    return {"dx = dout * sigma(x): the product rule's term x sigma(x) (1 - sigma(x)) is missing": dout * s,
            "dx = dout * sigma(x) (1 - sigma(x)), the sigmoid's derivative: silu = x sigma(x) needs the "
            "product rule": dout * s * (1.0 - s)}


def no_mistakes(*args):
    return {}


# -- the table ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """One elementwise activation, as the hidden tests see it."""

    name: str
    """Task prefix: ``<name>_forward`` and ``<name>_backward``."""
    hyper: str | None = None
    """Its keyword hyperparameter, if any."""
    settings: tuple[float, ...] = ()
    """Non-default values of the hyperparameter, one hyperparameter test each."""
    kink: dict | None = None
    """For a function with a kink at 0: keyword arguments of its at-0 tests (a non-default
    hyperparameter, so that the slope at exactly 0, alpha rather than 1, shows)."""
    forward_mistakes: Callable = no_mistakes
    backward_mistakes: Callable = no_mistakes
    edges: tuple[float, ...] = ()
    """Values of the hyperparameter at the edges of its documented domain (beta > 0: a beta
    near 0), each a test marked domain_edge."""


ACTIVATIONS = [
    Activation("sigmoid", forward_mistakes=sigmoid_forward_mistakes, backward_mistakes=sigmoid_backward_mistakes),
    Activation("tanh", forward_mistakes=tanh_forward_mistakes, backward_mistakes=tanh_backward_mistakes),
    Activation("relu", kink={}, forward_mistakes=relu_forward_mistakes, backward_mistakes=relu_backward_mistakes),
    # Hyperparameters across the documented domain ("alpha: float"), not only at ordinary values.
    Activation("leaky_relu", "alpha", (0.2, 0.65, 1.5, -0.1), {"alpha": 0.3},
               leaky_relu_forward_mistakes, leaky_relu_backward_mistakes),
    Activation("elu", "alpha", (0.4, 2.0, 0.0), {"alpha": 0.6}, elu_forward_mistakes, elu_backward_mistakes),
    Activation("selu", kink={}, forward_mistakes=selu_forward_mistakes, backward_mistakes=selu_backward_mistakes),
    Activation("gelu", forward_mistakes=gelu_forward_mistakes, backward_mistakes=gelu_backward_mistakes),
    Activation("gelu_tanh", forward_mistakes=gelu_tanh_forward_mistakes,
               backward_mistakes=gelu_tanh_backward_mistakes),
    Activation("softplus", "beta", (0.5, 3.0), None, softplus_forward_mistakes,
               softplus_backward_mistakes, edges=(0.05,)),
    Activation("silu", forward_mistakes=silu_forward_mistakes, backward_mistakes=silu_backward_mistakes),
]


def cases(kind: str, settings: Callable[[Activation], list[tuple[str, object]]]):
    """pytest params (activation, setting), each marked with the task it scores."""
    params = []
    for act in ACTIVATIONS:
        mark = getattr(pytest.mark, f"task01_{act.name}_{kind}")
        for setting_id, setting in settings(act):
            case_id = f"{act.name}-{setting_id}" if setting_id else act.name
            params.append(pytest.param(act, setting, id=case_id, marks=mark))
    return params


def every_shape(act):
    return list(zip(SHAPE_IDS, SHAPES))


def once(act):
    return [("", None)]


def at_kink(act):
    return [] if act.kink is None else [("kink", act.kink)]


def hyper_settings(act):
    return [(f"{act.hyper}={v:g}", {act.hyper: v}) for v in act.settings]


def hyper_edges(act):
    return [(f"{act.hyper}={v:g}", {act.hyper: v}) for v in act.edges]


# -- inputs ------------------------------------------------------------------------------------

def random_x(rng, shape):
    """Values mostly within [-9, 9], where the functions bend; never exactly 0."""
    return 3.0 * rng.standard_normal(shape)


def around_zero(rng):
    """Exact zeros among small and moderate values of both signs."""
    x = rng.standard_normal((3, 8))
    x.flat[rng.choice(x.size, 10, replace=False)] = [0.0] * 6 + [1e-7, -1e-7, 1e-12, -1e-12]
    return x


def huge(rng):
    """|x| up to 1000: exp overflows past 709.78 in a naive formula."""
    # A few moderate entries too: far out every derivative underflows to 0, which a constant matches.
    fixed = np.array([-1000.0, -745.0, -710.0, -100.0, -30.0, -1.5, 0.5, 2.0, 30.0, 100.0, 710.0, 745.0, 1000.0])
    x = np.concatenate([fixed, rng.uniform(-1000.0, 1000.0, 11)])
    return rng.permutation(x).reshape(4, 6)


# -- calling the student -----------------------------------------------------------------------

def forward(student, pair, act, x, kw):
    return pair(getattr(student, f"{act.name}_forward")(x, **kw), f"{act.name}_forward")[0]


def check_forward(student, pair, ref, expect, act, x, kw, what):
    got = forward(student, pair, act, x, kw)
    expected = getattr(ref, f"{act.name}_forward")(x, **kw)[0]
    with np.errstate(all="ignore"):
        mistakes = act.forward_mistakes(x, kw)
    expect(got, expected, name=what, variants=mistakes)


def check_backward(student, pair, ref, rng, expect, act, x, kw, what):
    dout = rng.standard_normal(x.shape)
    try:
        cache = pair(getattr(student, f"{act.name}_forward")(x, **kw), f"{act.name}_forward")[1]
    except (StudentError, AssertionError):
        cache = getattr(ref, f"{act.name}_forward")(x, **kw)[1]
    got = getattr(student, f"{act.name}_backward")(dout, cache)
    expected = getattr(ref, f"{act.name}_backward")(dout, getattr(ref, f"{act.name}_forward")(x, **kw)[1])
    with np.errstate(all="ignore"):
        mistakes = act.backward_mistakes(x, dout, kw)
    expect(got, expected, name=what, kind="gradients", variants=mistakes)


def check_contract(student, pair, ref, expect, act, x):
    out = forward(student, pair, act, x, {})
    assert isinstance(out, np.ndarray), f"out should be a NumPy array; got {type(out).__name__}"
    assert out.shape == x.shape, f"out should have x's shape {x.shape}; got {out.shape}"
    assert out.dtype == np.float64, f"a float64 x should give a float64 out; got dtype {out.dtype}"
    # The same weight group checks the values: a constant of the right type earns nothing here.
    expect(out, getattr(ref, f"{act.name}_forward")(x)[0], name="out")


# -- forward -----------------------------------------------------------------------------------

@pytest.mark.parametrize("act,shape", cases("forward", every_shape))
def test_forward_values(student, pair, ref, rng, expect, act, shape):
    """out on random inputs (default hyperparameters)"""
    check_forward(student, pair, ref, expect, act, random_x(rng, shape), {}, "out")


@pytest.mark.parametrize("act,setting", cases("forward", at_kink))
@pytest.mark.contract("domain_edge")
def test_forward_around_zero(student, pair, ref, rng, expect, act, setting):
    """out at exactly 0 and around it"""
    check_forward(student, pair, ref, expect, act, around_zero(rng), setting, "out at and around x = 0")


@pytest.mark.parametrize("act,setting", cases("forward", once))
@pytest.mark.contract("domain_edge")
def test_forward_is_stable_for_large_inputs(student, pair, ref, rng, expect, act, setting):
    """Numerical stability: out stays finite and right for |x| up to 1000"""
    check_forward(student, pair, ref, expect, act, huge(rng), {}, "out for |x| up to 1000 (numerical stability)")


@pytest.mark.parametrize("act,setting", cases("forward", hyper_settings))
def test_forward_hyperparameter(student, pair, ref, rng, expect, act, setting):
    """out with a non-default hyperparameter (keyword argument)"""
    name = ", ".join(f"{k}={v:g}" for k, v in setting.items())
    check_forward(student, pair, ref, expect, act, random_x(rng, (4, 5)), setting, f"out with {name}")


@pytest.mark.parametrize("act,setting", cases("forward", hyper_edges))
@pytest.mark.contract("domain_edge")
def test_forward_hyperparameter_at_domain_edge(student, pair, ref, rng, expect, act, setting):
    """out with the hyperparameter near an edge of its documented domain, for large |x| too"""
    name = ", ".join(f"{k}={v:g}" for k, v in setting.items())
    x = np.concatenate([random_x(rng, (12,)), huge(rng).ravel()]).reshape(6, 6)
    check_forward(student, pair, ref, expect, act, x, setting, f"out with {name}")


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("act,setting", cases("forward", once))
def test_forward_contract(student, pair, ref, rng, expect, act, setting):
    """Returns a pair (out, cache) with out a float64 array of x's shape, and the right values"""
    check_contract(student, pair, ref, expect, act, rng.standard_normal((2, 3)))


# -- backward ----------------------------------------------------------------------------------

@pytest.mark.parametrize("act,shape", cases("backward", every_shape))
def test_backward_values(student, pair, ref, rng, expect, act, shape):
    """dx on random inputs, given the cache of your own forward"""
    check_backward(student, pair, ref, rng, expect, act, random_x(rng, shape), {}, "dx")


@pytest.mark.parametrize("act,setting", cases("backward", at_kink))
@pytest.mark.contract("domain_edge")
def test_backward_around_zero(student, pair, ref, rng, expect, act, setting):
    """dx at exactly 0 (the slope convention there) and around it"""
    check_backward(student, pair, ref, rng, expect, act, around_zero(rng), setting, "dx at and around x = 0")


@pytest.mark.parametrize("act,setting", cases("backward", once))
@pytest.mark.contract("domain_edge")
def test_backward_is_stable_for_large_inputs(student, pair, ref, rng, expect, act, setting):
    """Numerical stability: dx stays finite and right for |x| up to 1000"""
    check_backward(student, pair, ref, rng, expect, act, huge(rng), {},
            "dx for |x| up to 1000 (numerical stability)")


@pytest.mark.parametrize("act,setting", cases("backward", hyper_settings))
def test_backward_hyperparameter(student, pair, ref, rng, expect, act, setting):
    """dx with a non-default hyperparameter, which must travel in the cache"""
    name = ", ".join(f"{k}={v:g}" for k, v in setting.items())
    check_backward(student, pair, ref, rng, expect, act, random_x(rng, (4, 5)), setting, f"dx with {name}")


@pytest.mark.parametrize("act,setting", cases("backward", hyper_edges))
@pytest.mark.contract("domain_edge")
def test_backward_hyperparameter_at_domain_edge(student, pair, ref, rng, expect, act, setting):
    """dx with the hyperparameter near an edge of its documented domain, for large |x| too"""
    name = ", ".join(f"{k}={v:g}" for k, v in setting.items())
    x = np.concatenate([random_x(rng, (12,)), huge(rng).ravel()]).reshape(6, 6)
    check_backward(student, pair, ref, rng, expect, act, x, setting, f"dx with {name}")
