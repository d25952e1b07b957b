"""Diagnosis: compare a student's output with the reference and say what is wrong in words a
student can act on (wrong shape, transposed, off by a constant factor, sign, NaN, known wrong
variant...), plus the largest error and where.

    diagnose(got, expected, *, name, tolerance, variants) -> Verdict
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """Closeness: |got - expected| <= atol + rtol * |expected|, elementwise."""

    rtol: float = 1e-6
    """Relative tolerance."""
    atol: float = 1e-8
    """Absolute tolerance (for entries that should be zero)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison."""

    ok: bool
    """True when the output matches the reference within tolerance."""
    message: str
    """One or two sentences for the student: what matched, or what is wrong and where."""
    mistake: str = ""
    """The recognised mistake's short name ("transposed", a variant's description...), the same
    for every student who made it; empty when the output is right or the cause is unknown."""


def _close(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=tol.rtol, atol=tol.atol, equal_nan=False))


def _as_numeric_array(value) -> np.ndarray | str:
    """The value as a numeric ndarray, or a sentence saying why it is not one."""
    if value is None:
        return "returned None (is a `return` statement missing?)"
    if isinstance(value, tuple):
        return f"returned a tuple of {len(value)} items where a single array was expected"
    if isinstance(value, (dict, str)):
        return f"returned a {type(value).__name__} where an array was expected"
    if isinstance(value, list):
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return "returned a list that is not a rectangular array of numbers"
    if isinstance(value, (bool, int, float, complex, np.generic)):
        value = np.asarray(value)
    if not isinstance(value, np.ndarray):
        return f"returned a {type(value).__name__} where an array was expected"
    if value.dtype.kind not in "biufc":
        return f"returned an array of dtype {value.dtype}, expected numbers"
    return value


def _format_index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if index else "(scalar)"


def _number(value) -> str:
    value = value.item() if hasattr(value, "item") else value
    return f"{value:.6g}" if isinstance(value, (int, float, complex)) else repr(value)[:20]


def _worst_entry(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> str:
    diff = np.abs(got.astype(np.complex128 if got.dtype.kind == "c" else np.float64) - expected)
    bad = ~np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol)
    index = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
    where = _format_index(index)
    return (f"max abs error {float(diff[index]):.3g} at {where} "
            f"(got {_number(got[index])}, expected {_number(expected[index])}); "
            f"{int(bad.sum())} of {bad.size} entries differ")


def _constant_factor(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> float | None:
    """The scalar c with got == c * expected, if there is one (and c is not 1)."""
    scale = float(np.vdot(expected, expected).real)
    if scale == 0.0:
        return None
    c = float(np.vdot(expected, got).real) / scale
    if abs(c - 1.0) < 1e-6 or not np.allclose(got, c * expected, rtol=tol.rtol * 10, atol=tol.atol * 10):
        return None
    return c


def _describe_factor(c: float) -> str:
    if abs(c) < 1e-12:
        return "is all zeros"
    if abs(c + 1.0) < 1e-6:
        return "has the wrong sign everywhere (x -1)"
    sign = "has the wrong sign and " if c < 0 else ""
    size = abs(c)
    for k in range(2, 1025):
        if abs(size - k) < 1e-6 * k:
            return f"{sign}is {k} times too large (x {c:.4g}: a missing division, e.g. by the batch size?)"
        if abs(size * k - 1.0) < 1e-6:
            return f"{sign}is {k} times too small (x 1/{k}: an extra division, e.g. by the batch size?)"
    return f"is off by a constant factor of {c:.4g}"


def _factor_name(c: float) -> str:
    """The short name of a constant-factor mistake: the sentence without this student's numbers."""
    sentence = _describe_factor(c)
    if sentence.startswith("is off by"):
        return "off by a constant factor"
    return sentence.partition(" (")[0].removeprefix("is ").removeprefix("has the ")


def diagnose(
    got,
    expected,
    *,
    name: str = "output",
    tolerance: Tolerance = Tolerance(),
    variants: Mapping[str, np.ndarray] | None = None,
) -> Verdict:
    """Compare ``got`` with ``expected`` and explain the difference.

    variants: known wrong answers, {description of the mistake: that mistake's output}; a
    match names the mistake (e.g. "used batch statistics in eval mode").
    """
    expected = np.asarray(expected)
    converted = _as_numeric_array(got)
    if isinstance(converted, str):
        return Verdict(False, f"{name}: {converted}", mistake="not a numeric array")
    got = converted

    if got.shape != expected.shape:
        if got.ndim == 2 and got.T.shape == expected.shape and _close(got.T, expected, tolerance):
            return Verdict(False, f"{name}: transposed: got shape {got.shape}, expected {expected.shape}", mistake="transposed")
        squeezed = got.shape[:-1] == expected.shape and got.shape[-1:] == (1,)
        unsqueezed = expected.shape[:-1] == got.shape and expected.shape[-1:] == (1,)
        if squeezed or unsqueezed:
            hint = " (an extra or missing trailing axis of size 1: check keepdims / broadcasting)"
        elif got.size == expected.size and _close(got.reshape(expected.shape), expected, tolerance):
            hint = " (the values are right but laid out in the wrong shape)"
        elif got.size == expected.size:
            hint = " (same number of entries: reshaped or flattened?)"
        else:
            hint = ""
        return Verdict(False, f"{name}: wrong shape: got {got.shape}, expected {expected.shape}{hint}", mistake="wrong shape")

    got_nan = ~np.isfinite(got) & np.isfinite(expected)
    if got_nan.any():
        first = np.unravel_index(int(np.argmax(got_nan)), got.shape)
        kind = "NaN" if np.isnan(got[first]) else "inf"
        return Verdict(False, f"{name}: {int(got_nan.sum())} entries are NaN or inf where finite values were "
                              f"expected (first: {kind} at {_format_index(first)}): an overflow? "
                              f"Use a numerically stable formula.", mistake="NaN or inf (overflow)")

    if _close(got, expected, tolerance):
        dtype_note = "" if got.dtype == expected.dtype else f" (note: dtype {got.dtype}, reference {expected.dtype})"
        return Verdict(True, f"{name}: matches the reference{dtype_note}")

    for mistake, wrong in (variants or {}).items():
        wrong = np.asarray(wrong)
        if wrong.shape == got.shape and _close(got, wrong, tolerance):
            return Verdict(False, f"{name}: matches a known mistake: {mistake}", mistake=mistake)

    factor = _constant_factor(got, expected, tolerance)
    if factor is not None:
        return Verdict(False, f"{name} {_describe_factor(factor)}", mistake=_factor_name(factor))

    if got.dtype != expected.dtype and got.dtype.kind != expected.dtype.kind or got.dtype.itemsize < expected.dtype.itemsize:
        dtype_note = f"; dtype {got.dtype}, expected {expected.dtype}"
    else:
        dtype_note = ""
    return Verdict(False, f"{name}: wrong values: {_worst_entry(got, expected, tolerance)}{dtype_note}")
