"""The documented domain of a graded function's arguments, read from its docstring.

    documented_domains(docstring, parameters) -> [Domain, ...]

A docstring states domains in a few fixed forms, each in the ``name: ...`` clause of the
argument (clauses end at ``;`` or at the end of a sentence; the ``Formula:`` and ``Returns``
parts are not read, nor is prose elsewhere):

    p: drop probability, a float in [0, 1)          values in an interval (numbers or symbols)
    lr: float > 0;  epoch: int >= 0;  num_heads: int h >= 1
    n_splits: int K with 2 <= K <= N                a chain of bounds
    beta: positive float;  fan_in, fan_out: positive ints;  lam: non-negative float
    x: (N, D), N >= 1;  x: (N, D) with N >= 2       a size of one axis of an array argument
    y: (N,) integer labels in [0, C)                the entries of an array argument

A symbol bound (``C``, ``N``, ``V``) is resolved from the other clauses where it names an axis
of an argument (``logits: (N, C)``) or an integer argument (``n_samples: int N >= 1``); one that
resolves to nothing stays unchecked. Every bound a domain has is an **edge** the hidden suite
must reach (``grader.suite.edges``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bound:
    """One end of a domain: a number, or a symbol resolved per call (``C``: an axis size)."""

    value: float | str
    closed: bool

    def text(self) -> str:
        return f"{self.value:g}" if isinstance(self.value, (int, float)) else str(self.value)


@dataclass(frozen=True)
class Domain:
    """What the docstring allows for one argument: its values (every entry, for an array) or
    the size of one of its axes."""

    argument: str
    low: Bound | None
    high: Bound | None
    integer: bool
    """Integer-valued: an open bound b is reached at b + 1 (b - 1 above)."""
    axis: int | None = None
    """The domain is on ``argument.shape[axis]``, not on its values."""
    words: str = ""
    """The docstring's own words, for messages."""

    def subject(self) -> str:
        return f"{self.argument}.shape[{self.axis}]" if self.axis is not None else self.argument

    def bounds(self) -> list[tuple[str, Bound]]:
        return [(side, bound) for side, bound in (("low", self.low), ("high", self.high)) if bound is not None]


_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
_SYMBOL = r"[A-Za-z]\w*"
_VALUE = rf"(?:{_NUMBER}|{_SYMBOL})"
_INTERVAL = re.compile(rf"\bin\s*([\[(])\s*({_VALUE})\s*,\s*({_VALUE})\s*([\])])")
_CHAIN = re.compile(rf"({_VALUE})\s*(<=|<)\s*({_SYMBOL})\s*(<=|<)\s*({_VALUE})")
_COMPARISON = re.compile(rf"\b({_SYMBOL})\s*(>=|>|<=|<)\s*({_NUMBER})\b")
_SHAPE = re.compile(r"^\s*\(([^()]*)\)")
_INTEGER_WORDS = re.compile(r"\b(?:int|ints|integer|integers)\b")
_TYPE_WORDS = {"int", "ints", "integer", "integers", "float", "floats"}


def _clauses(docstring: str) -> list[str]:
    """The docstring's argument clauses: everything before ``Formula:``, without ``Returns``
    sentences, cut at ``;`` and at sentence ends (a full stop followed by a space)."""
    text = re.split(r"\bFormula\b[^:]*:", docstring, maxsplit=1)[0]
    text = " ".join(text.split())
    pieces = []
    for sentence in re.split(r"(?<=[^.\s])\.\s+", text):
        if sentence.lstrip().startswith("Returns"):
            continue
        pieces += [piece for piece in sentence.split(";") if piece.strip()]
    return pieces


def _segments(clause: str, parameters: set[str]) -> list[tuple[list[str], str]]:
    """([argument names], what the clause says of them) for each ``a, b: ...`` in a clause."""
    heads = [m for m in re.finditer(rf"(?:^|(?<=[\s(]))((?:{_SYMBOL}\s*,\s*)*{_SYMBOL})\s*:(?!:)", clause)
             if all(name.strip() in parameters for name in m.group(1).split(","))]
    found = []
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(clause)
        found.append(([name.strip() for name in head.group(1).split(",")], clause[head.end():end]))
    return found


def _bound(text: str, closed: bool) -> Bound:
    try:
        return Bound(float(text), closed)
    except ValueError:
        return Bound(text, closed)


def _shape_symbols(said: str) -> list[str]:
    match = _SHAPE.match(said)
    return [part.strip() for part in match.group(1).split(",")] if match else []


def _domain_of(name: str, said: str) -> Domain | None:
    """The domain one segment states for ``name``, if it states one."""
    integer = bool(_INTEGER_WORDS.search(said))
    shape = _shape_symbols(said)
    words = " ".join(said.split()).strip(" ,.")
    if (match := _INTERVAL.search(said)) is not None:
        opening, low, high, closing = match.groups()
        return Domain(name, _bound(low, opening == "["), _bound(high, closing == "]"), integer, words=words)
    if (match := _CHAIN.search(said)) is not None:
        low, low_op, symbol, high_op, high = match.groups()
        return Domain(name, _bound(low, low_op == "<="), _bound(high, high_op == "<="), integer, words=words)
    for match in _COMPARISON.finditer(said):
        symbol, operator, number = match.groups()
        axis = shape.index(symbol) if symbol in shape else None
        before = said[:match.start(1)].split()
        typed = symbol in _TYPE_WORDS or (before and before[-1].strip("(,") in _TYPE_WORDS)
        if axis is None and not typed:
            continue
        bound = _bound(number, operator in (">=", "<="))
        low, high = (bound, None) if operator.startswith(">") else (None, bound)
        return Domain(name, low, high, integer or axis is not None, axis=axis, words=words)
    if re.search(r"\bnon-?negative\b", said):
        return Domain(name, Bound(0.0, True), None, integer, words=words)
    if re.search(r"\bpositive\b", said):
        return Domain(name, Bound(1.0, True) if integer else Bound(0.0, False), None, integer, words=words)
    return None


@dataclass(frozen=True)
class Symbol:
    """Where a symbol's value comes from in a call: an axis size of an argument, or an
    integer argument's value."""

    argument: str
    axis: int | None = None


def documented_domains(docstring: str, parameters: Iterable[str]) -> list[Domain]:
    """The domains the docstring states, one per argument (the first statement wins)."""
    parameters = set(parameters)
    found: dict[str, Domain] = {}
    for clause in _clauses(docstring or ""):
        for names, said in _segments(clause, parameters):
            for name in names:
                domain = _domain_of(name, said)
                if domain is not None and name not in found:
                    found[name] = domain
    return list(found.values())


def documented_symbols(docstring: str, parameters: Iterable[str]) -> dict[str, Symbol]:
    """Symbol -> where its value comes from: ``logits: (N, C)`` makes C logits' axis 1;
    ``n_samples: int N >= 1`` or ``n_samples: int, the number of samples N`` makes N its value."""
    parameters = set(parameters)
    symbols: dict[str, Symbol] = {}
    for clause in _clauses(docstring or ""):
        for names, said in _segments(clause, parameters):
            if len(names) != 1:
                continue
            for axis, symbol in enumerate(_shape_symbols(said)):
                if re.fullmatch(_SYMBOL, symbol):
                    symbols.setdefault(symbol, Symbol(names[0], axis))
            named = re.match(rf"\s*int\b[^.;]*?\b([A-Z])\b", said)
            if named and not _shape_symbols(said):
                symbols.setdefault(named.group(1), Symbol(names[0]))
    return symbols
