"""Does the hidden suite take every documented domain to its edges? Checked on the calls it makes.

    recorder = EdgeRecorder(reference)          # {function: "module:function"}
    ... grade the reference solution with observe=recorder.observe ...
    edge_gaps(recorder, tasks, opted_out=...)   -> one line per edge no domain-edge test reaches

Each graded function's docstring states the domain of some arguments (``grader.suite.domains``:
``p: a float in [0, 1)``, ``x: (N, D) with N >= 2``...). Every bound of such a domain is an edge
that some test of the function, marked ``@pytest.mark.contract("domain_edge")``, must pass to
the function itself:

- an included bound b exactly (p = 0; a batch of N = 2; labels that include 0 and C - 1);
- an excluded bound of an integer domain: its neighbour inside (b + 1, or b - 1 above);
- an excluded bound of a real domain: a value inside within a tenth of the interval's width
  (p >= 0.9 for [0, 1)), or, on a half-line, within a tenth of max(1, |b|) (lr <= 0.1 for
  lr > 0).

An array argument reaches a bound when its smallest (largest) entry does. A symbol bound
(``[0, C)``) is read from the same call (C = logits.shape[1]); one that no call lets us resolve
is not checked. The edge an argument cannot reach in a test (say why) is opted out as
``CONTRACT_OPT_OUT = {"f": {"domain_edge:p": "why"}}``.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from grader.suite.domains import Bound, Domain, Symbol, documented_domains, documented_symbols

EDGE_KIND = "domain_edge"


@dataclass(frozen=True)
class Seen:
    """What one call passed for one argument: its shape (arrays) and its smallest and largest
    entry (numbers, and arrays, lists or tuples of numbers)."""

    shape: tuple[int, ...] | None
    low: float | None
    high: float | None


def _seen(value) -> Seen | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return Seen(None, float(value), float(value))
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
        low = float(finite.min()) if finite.size else None
        high = float(finite.max()) if finite.size else None
        return Seen(tuple(value.shape), low, high)
    if isinstance(value, np.ndarray):
        return Seen(tuple(value.shape), None, None)
    return None


@dataclass
class FunctionContract:
    """The documented domains of one graded function and what its domain-edge tests passed it."""

    parameters: inspect.Signature
    domains: list[Domain]
    symbols: dict[str, Symbol]
    calls: list[dict[str, Seen]] = field(default_factory=list)


class EdgeRecorder:
    """``observe(task, kinds, name, args, kwargs)``, the plugin's hook for every call: keeps, for
    calls of a test's own function from tests marked domain_edge, what each argument was."""

    def __init__(self, reference: Mapping[str, str]):
        self.functions: dict[str, FunctionContract] = {}
        for task, where in reference.items():
            module, _, name = where.partition(":")
            function = getattr(importlib.import_module(module), name)
            signature = inspect.signature(function)
            doc = inspect.getdoc(function) or ""
            self.functions[task] = FunctionContract(signature, documented_domains(doc, signature.parameters),
                                                    documented_symbols(doc, signature.parameters))

    def observe(self, task: str, kinds: frozenset[str], name: str, args: tuple, kwargs: dict) -> None:
        contract = self.functions.get(name)
        if name != task or EDGE_KIND not in kinds or contract is None or not contract.domains:
            return
        try:
            bound = contract.parameters.bind(*args, **kwargs)
        except TypeError:
            return  # a test of how the function rejects a wrong call
        bound.apply_defaults()
        wanted = {d.argument for d in contract.domains} | {s.argument for s in contract.symbols.values()}
        seen = {arg: _seen(value) for arg, value in bound.arguments.items() if arg in wanted}
        contract.calls.append({arg: s for arg, s in seen.items() if s is not None})


def _resolve(bound: Bound, symbols: dict[str, Symbol], call: dict[str, Seen]) -> float | None:
    if isinstance(bound.value, float):
        return bound.value
    symbol = symbols.get(bound.value)
    seen = call.get(symbol.argument) if symbol else None
    if seen is None:
        return None
    if symbol.axis is None:
        return seen.low if seen.low == seen.high else None
    return float(seen.shape[symbol.axis]) if seen.shape is not None and symbol.axis < len(seen.shape) else None


def _subject(domain: Domain, seen: Seen | None, side: str) -> float | None:
    if seen is None:
        return None
    if domain.axis is not None:
        return float(seen.shape[domain.axis]) if seen.shape is not None and domain.axis < len(seen.shape) else None
    return seen.low if side == "low" else seen.high


def _reaches(value: float, edge: float, side: str, bound: Bound, domain: Domain, other: float | None) -> bool:
    inward = 1.0 if side == "low" else -1.0
    if bound.closed:
        return value == edge
    if domain.integer:
        return value == edge + inward
    width = abs(other - edge) if other is not None and math.isfinite(other) else max(1.0, abs(edge))
    return 0.0 < (value - edge) * inward <= 0.1 * width


def _target_text(domain: Domain, side: str, bound: Bound) -> str:
    end = "low" if side == "low" else "high"
    if bound.closed:
        return f"{domain.subject()} = {bound.text()} (its {end} end, included)"
    if domain.integer:
        return f"{domain.subject()} = {bound.text()} {'+' if side == 'low' else '-'} 1 (next to its excluded {end} end)"
    return f"{domain.subject()} within a tenth of the range from {bound.text()} (its excluded {end} end)"


def function_edge_gaps(task: str, contract: FunctionContract, opted_out: Callable[[str], bool]) -> list[str]:
    """One line per bound of a documented domain that no recorded call reaches."""
    gaps = []
    for domain in contract.domains:
        if opted_out(f"{EDGE_KIND}:{domain.argument}"):
            continue
        for side, bound in domain.bounds():
            other_bound = domain.high if side == "low" else domain.low
            resolved = False
            reached = False
            for call in contract.calls:
                edge = _resolve(bound, contract.symbols, call)
                value = _subject(domain, call.get(domain.argument), side)
                if edge is None:
                    continue
                resolved = True
                other = _resolve(other_bound, contract.symbols, call) if other_bound is not None else None
                if value is not None and _reaches(value, edge, side, bound, domain, other):
                    reached = True
                    break
            if not reached and (resolved or isinstance(bound.value, float)):
                gaps.append(f"{task}: the docstring allows {domain.argument}: {domain.words}; no test marked "
                            f"contract('{EDGE_KIND}') passes {_target_text(domain, side, bound)}")
    return gaps


def edge_gaps(recorder: EdgeRecorder, tasks: list[str], opted_out: Callable[[str, str], bool]) -> list[str]:
    """Every documented edge of every task that the recorded domain-edge tests never reached."""
    gaps = []
    for task in tasks:
        contract = recorder.functions.get(task)
        if contract is not None:
            gaps += function_edge_gaps(task, contract, lambda kind, task=task: opted_out(task, kind))
    return gaps
