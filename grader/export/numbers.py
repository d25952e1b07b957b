"""Scores as people read them: ``points(0.9999996)`` -> ``'1'``, ``points(7.25)`` -> ``'7.25'``.

Grading keeps full precision (records round to 1e-6 only); what a person or an LMS reads is
rounded to two decimals, with no trailing zeros and no exponent.
"""

from __future__ import annotations


def points(value: float, decimals: int = 2) -> str:
    text = f"{round(float(value), decimals) + 0.0:.{decimals}f}"  # + 0.0: no "-0"
    return text.rstrip("0").rstrip(".") if "." in text else text
