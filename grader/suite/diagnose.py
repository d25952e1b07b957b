"""Diagnosis: compare a student's output with the reference and say what is wrong in words a
student can act on (wrong shape, transposed, off by a constant factor, sign, NaN, known wrong
variant...), plus the largest error and where.

    diagnose(got, expected, *, name, tolerance, variants) -> Verdict
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from grader.tolerance import Tolerance

MAX_NAMED_MISTAKES = 3
"""More known mistakes than this matching at once say nothing about which one it is: none is named."""

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


def _where_wrong(bad: np.ndarray) -> str:
    """Where the wrong entries are, when that is narrower than "here and there": every one at one
    or two indices of an axis (a row, a time step, a channel), or on the border of the last two
    axes of an (N, C, H, W) array (the outermost rows and columns of an image). Empty when no
    such statement is true."""
    if bad.ndim < 2 or bad.all() or not bad.any():  # 1-D: the worst entry and the count say it
        return ""
    best = None
    for axis, size in enumerate(bad.shape):
        if size < 2:
            continue
        rows = np.flatnonzero(bad.any(axis=tuple(a for a in range(bad.ndim) if a != axis)))
        if len(rows) <= 2 and len(rows) < size and (best is None or len(rows) / size < best[2] / best[3]):
            best = (axis, rows, len(rows), size)
    if best is None:
        if bad.ndim == 4 and min(bad.shape[-2:]) >= 3:  # (N, C, H, W) images
            interior = np.zeros(bad.shape[-2:], dtype=bool)
            interior[1:-1, 1:-1] = True
            if not bad[..., interior].any():
                return "; only border pixels (the first or last row or column of each image) are wrong: padding?"
        return ""
    axis, rows, _, size = best
    names = [("the first" if i == 0 else "the last" if i == size - 1 else f"index {i}") for i in rows]
    return (f"; every wrong entry lies at {' and '.join(names)} of axis {axis} (size {size}): "
            f"the rest of that axis is right")


def _region_holding(bad: np.ndarray, regions: Mapping[str, np.ndarray] | None) -> str:
    """The first of the test's named regions (boolean masks of the output) that holds every wrong
    entry, when it is a proper part of the output: "the true class of each row", "windows with
    ties", "the forget gate's columns". Empty when none does (a region of another shape is skipped)."""
    if not bad.any():
        return ""
    for description, mask in (regions or {}).items():
        try:
            mask = np.broadcast_to(np.asarray(mask, dtype=bool), bad.shape)
        except ValueError:
            continue
        if not mask.all() and not (bad & ~mask).any():
            return f"; every wrong entry lies in {description} (every other entry is right)"
    return ""


def _constant_factor(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> float | None:
    """The scalar c with got == c * expected entry by entry (c not 1), if one explains them all.

    Only for arrays with at least two non-zero expected entries: any two numbers are "off by a
    constant factor" of each other, so a lone scalar (or an array that is zero but for one entry)
    says nothing. Every entry must match c * expected within the comparison's own tolerance."""
    if np.count_nonzero(expected) < 2:
        return None
    scale = float(np.vdot(expected, expected).real)
    c = float(np.vdot(expected, got).real) / scale
    if not np.allclose(got, c * expected, rtol=tol.rtol, atol=tol.atol):
        return None
    if np.allclose(got, expected, rtol=tol.rtol, atol=tol.atol):
        return None
    return c


def _factor_text(c: float) -> str:
    """c to about the comparison's own precision: 1.000004 must not print as 1, nor 2.0004 as 2."""
    for digits in range(4, 17):
        text = f"{c:.{digits}g}"
        if abs(float(text) - c) <= 1e-6 * abs(c):
            return text
    return repr(c)


def _describe_factor(c: float, got: np.ndarray) -> str | None:
    if c == 0.0 or abs(c) < 1e-12:
        return "is all zeros" if not np.any(got) else None
    if abs(c + 1.0) < 1e-8:
        return "has the wrong sign everywhere (x -1)"
    sign = "has the wrong sign and " if c < 0 else ""
    size = abs(c)
    for k in range(2, 1025):
        if abs(size - k) < 1e-8 * k:
            return f"{sign}is {k} times too large (x {_factor_text(c)}: a missing division, e.g. by the batch size?)"
        if abs(size * k - 1.0) < 1e-8:
            return f"{sign}is {k} times too small (x 1/{k}: an extra division, e.g. by the batch size?)"
    return f"is off by a constant factor of {_factor_text(c)} (every entry)"


Variants = Mapping[str, np.ndarray] | Callable[[], Mapping[str, np.ndarray]] | None
"""Known wrong answers, or a function that computes them (called only for a wrong answer)."""


def _known_mistakes(got: np.ndarray, variants: Variants, tol: Tolerance) -> list[str]:
    """The descriptions of every variant that matches ``got`` within tolerance."""
    if callable(variants):
        variants = variants()
    found = []
    for mistake, wrong in (variants or {}).items():
        if wrong is None:
            continue
        wrong = np.asarray(wrong)
        if wrong.shape == got.shape and wrong.dtype.kind in "biufc" and _close(got, wrong, tol):
            found.append(mistake)
    return found


def _factor_name(sentence: str) -> str:
    """The short name of a constant-factor mistake: its sentence without this student's numbers."""
    if sentence.startswith("is off by"):
        return "off by a constant factor"
    return sentence.partition(" (")[0].removeprefix("is ").removeprefix("has the ")


def diagnose(
    got,
    expected,
    *,
    name: str = "output",
    tolerance: Tolerance = Tolerance(),
    variants: Variants = None,
    regions: Mapping[str, np.ndarray] | None = None,
) -> Verdict:
    """Compare ``got`` with ``expected`` and explain the difference.

    variants: known wrong answers, {description of the mistake: that mistake's output}; a
    match names the mistake (e.g. "used batch statistics in eval mode"). A function returning
    them is called only when ``got`` is wrong: a right answer does not pay for computing them.
    regions: named parts of the output, {description: boolean mask broadcastable to its shape};
    when no mistake is named, the first region that holds every wrong entry is named ("every
    wrong entry lies in the true class of each row"), else the axis or border they lie on.
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
        if expected.dtype == np.float64 and got.dtype.kind == "f" and got.dtype.itemsize < 8:
            return Verdict(False, f"{name}: the values are right to {got.dtype} precision, but the dtype is "
                                  f"{got.dtype}: float64 inputs must give float64 outputs (an astype, or a "
                                  f"{got.dtype} array or constant in the computation?)",
                           mistake=f"{got.dtype} output instead of float64")
        dtype_note = "" if got.dtype == expected.dtype else f" (note: dtype {got.dtype}, reference {expected.dtype})"
        return Verdict(True, f"{name}: matches the reference{dtype_note}")

    mistakes = _known_mistakes(got, variants, tolerance)
    if len(mistakes) == 1:
        return Verdict(False, f"{name}: matches a known mistake: {mistakes[0]}", mistake=mistakes[0])
    if 1 < len(mistakes) <= MAX_NAMED_MISTAKES:
        # These inputs cannot tell them apart: name each as a possibility, none as the cause.
        return Verdict(False, f"{name}: matches {len(mistakes)} known mistakes, which give the same output here: "
                              + "; or ".join(mistakes))

    factor = _constant_factor(got, expected, tolerance)
    described = _describe_factor(factor, got) if factor is not None else None
    if described is not None:
        return Verdict(False, f"{name} {described}", mistake=_factor_name(described))

    if got.dtype != expected.dtype and got.dtype.kind != expected.dtype.kind or got.dtype.itemsize < expected.dtype.itemsize:
        dtype_note = f"; dtype {got.dtype}, expected {expected.dtype}"
    else:
        dtype_note = ""
    if expected.ndim == 0:
        return Verdict(False, f"{name}: wrong value: got {_number(got)}, expected {_number(expected)}{dtype_note}")
    bad = ~np.isclose(got, expected, rtol=tolerance.rtol, atol=tolerance.atol)
    where = _region_holding(bad, regions) or _where_wrong(bad)
    return Verdict(False, f"{name}: wrong values: {_worst_entry(got, expected, tolerance)}{dtype_note}{where}")
