"""Closeness of a student's number to the reference's: the one ``Tolerance`` type, read from
``[grading.tolerances]``, carried in each bundle's manifest, used by ``expect`` and by the
visible checks' expected values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    """Closeness: |got - expected| <= atol + rtol * |expected|, elementwise."""

    rtol: float = 1e-6
    """Relative tolerance."""
    atol: float = 1e-8
    """Absolute tolerance (for entries that should be zero)."""
