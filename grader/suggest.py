"""The "did you mean" of every error message that names something unknown (a course.toml key,
a reference function, a cell tag, a roster column...): one rule, here."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest candidate (difflib's ratio, else the first that
    contains the word), or ``""`` when nothing is close."""
    candidates = sorted(set(candidates))
    close = difflib.get_close_matches(word, candidates, n=1) or [c for c in candidates if word and word in c][:1]
    return f" (did you mean {close[0]}?)" if close else ""
