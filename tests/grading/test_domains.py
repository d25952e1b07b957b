"""Documented domains read from docstrings (grader/suite/domains.py), and the edges a suite's
domain-edge tests must reach (grader/suite/edges.py), on near misses: an edge is claimed reached
only when a call really passed it."""

import inspect

import numpy as np

from grader.suite.domains import Bound, Domain, documented_domains, documented_symbols
from grader.suite.edges import FunctionContract, Seen, _seen, function_edge_gaps


def domains_of(doc: str, *parameters: str) -> dict[str, Domain]:
    return {d.argument: d for d in documented_domains(doc, parameters)}


def test_the_forms_a_docstring_states_a_domain_in():
    doc = """Something.

    x: (N, D) with N >= 2 (ValueError otherwise); p: drop probability, a float in [0, 1).
    lr: float > 0; batch_size: int >= 1; lam: non-negative float. fan_in, fan_out: positive ints.
    beta: positive float. n_splits: int K with 2 <= K <= N. num_heads: int h >= 1.
    y: (N,) integer labels in [0, C). rng: np.random.Generator.
    Returns out: (N, D) with out >= 0 in every entry.
    Formula: out = x if x > 0 else p x.
    """
    found = domains_of(doc, "x", "p", "lr", "batch_size", "lam", "fan_in", "fan_out", "beta", "n_splits",
                       "num_heads", "y", "rng", "out")
    assert found["x"] == Domain("x", Bound(2.0, True), None, True, axis=0,
                                words="(N, D) with N >= 2 (ValueError otherwise)")
    assert (found["p"].low, found["p"].high, found["p"].integer) == (Bound(0.0, True), Bound(1.0, False), False)
    assert (found["lr"].low, found["lr"].high) == (Bound(0.0, False), None)
    assert (found["batch_size"].low, found["batch_size"].integer) == (Bound(1.0, True), True)
    assert found["lam"].low == Bound(0.0, True)
    assert found["fan_in"].low == found["fan_out"].low == Bound(1.0, True)
    assert found["beta"].low == Bound(0.0, False)
    assert (found["n_splits"].low, found["n_splits"].high) == (Bound(2.0, True), Bound("N", True))
    assert found["num_heads"].low == Bound(1.0, True)
    assert (found["y"].low, found["y"].high, found["y"].axis) == (Bound(0.0, True), Bound("C", False), None)
    # The Returns sentence, the formula and arguments without a stated domain give nothing.
    assert "out" not in found and "rng" not in found


def test_prose_comparisons_and_formula_conditions_are_not_domains():
    doc = """Softplus; beta > 0 sharpens it, and with min_delta > 0 a gain does not count.

    x: any shape; alpha: float. min_delta: float >= 0.
    Formula: out = x if x > 0 else alpha x.
    """
    found = domains_of(doc, "x", "alpha", "min_delta", "beta")
    assert list(found) == ["min_delta"]
    assert found["min_delta"].low == Bound(0.0, True)


def test_symbols_come_from_shapes_and_named_integers():
    doc = "logits: (N, C) scores; y: (N,) labels. n_samples: int, the number of samples M."
    symbols = documented_symbols(doc, ["logits", "y", "n_samples"])
    assert (symbols["C"].argument, symbols["C"].axis) == ("logits", 1)
    assert (symbols["N"].argument, symbols["N"].axis) == ("logits", 0)
    assert (symbols["M"].argument, symbols["M"].axis) == ("n_samples", None)


def contract(doc: str, calls: list[dict]) -> FunctionContract:
    def f(x=None, p=0.5, y=None, logits=None, n=1, lr=0.1):
        pass

    parameters = inspect.signature(f).parameters
    seen = [{arg: _seen(value) for arg, value in call.items()} for call in calls]
    return FunctionContract(inspect.signature(f), documented_domains(doc, parameters),
                            documented_symbols(doc, parameters), seen)


def gaps(doc: str, calls: list[dict]) -> list[str]:
    return function_edge_gaps("f", contract(doc, calls), lambda kind: False)


def test_an_included_bound_must_be_passed_exactly():
    doc = "p: a float in [0, 1)."
    assert gaps(doc, [{"p": 0.0}, {"p": 0.95}]) == []
    near = gaps(doc, [{"p": 1e-9}, {"p": 0.95}])
    assert near == ["f: the docstring allows p: a float in [0, 1); no test marked contract('domain_edge') passes "
                    "p = 0 (its low end, included)"]


def test_an_excluded_bound_of_reals_needs_a_value_within_a_tenth_of_the_range():
    doc = "p: a float in [0, 1)."
    assert gaps(doc, [{"p": 0.0}, {"p": 0.85}]) == [
        "f: the docstring allows p: a float in [0, 1); no test marked contract('domain_edge') passes "
        "p within a tenth of the range from 1 (its excluded high end)"]
    assert len(gaps(doc, [{"p": 0.0}, {"p": 1.0}])) == 1  # the excluded end itself is not inside
    assert gaps("lr: float > 0.", [{"lr": 0.05}]) == []
    assert len(gaps("lr: float > 0.", [{"lr": 0.5}])) == 1


def test_integer_and_axis_bounds_and_array_entries():
    assert gaps("n: int > 0.", [{"n": 1}]) == []
    assert len(gaps("n: int > 0.", [{"n": 2}])) == 1
    assert gaps("x: (N, D) with N >= 2.", [{"x": np.zeros((2, 3))}]) == []
    assert len(gaps("x: (N, D) with N >= 2.", [{"x": np.zeros((3, 2))}])) == 1
    labels = "logits: (N, C) scores; y: (N,) integer labels in [0, C)."
    both = [{"logits": np.zeros((3, 4)), "y": np.array([0, 3, 1])}]
    assert gaps(labels, both) == []
    # C - 1 = 3 is reached only in a call whose own logits have C = 4, not across calls.
    split = [{"logits": np.zeros((3, 4)), "y": np.array([0, 2, 1])}, {"logits": np.zeros((3, 5)), "y": np.array([3])}]
    assert gaps(labels, split) == [
        "f: the docstring allows y: (N,) integer labels in [0, C); no test marked contract('domain_edge') "
        "passes y = C - 1 (next to its excluded high end)"]


def test_an_unresolvable_symbol_is_not_checked_and_an_opt_out_silences_an_argument():
    assert gaps("y: (N,) integer labels in [0, M_L).", [{"y": np.array([0, 1])}]) == []
    edges = contract("p: a float in [0, 1).", [{"p": 0.5}])
    assert function_edge_gaps("f", edges, lambda kind: kind == "domain_edge:p") == []
    assert _seen(np.array([np.nan, 0.5, -np.inf])) == Seen((3,), 0.5, 0.5)
