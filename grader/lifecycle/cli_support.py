"""Option values of the ``course`` commands, parsed: a bad one is BadArguments (one line, exit 2)."""

from __future__ import annotations

from datetime import datetime


def submission_time(text: str | None) -> datetime | None:
    """``--submitted-at``: an ISO 8601 time (naive = UTC); BadArguments when it is not one."""
    from grader.commands import BadArguments
    from grader.lifecycle.late import parse_time

    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise BadArguments(f"--submitted-at {text!r}: not a time (e.g. 2026-10-06T10:00+02:00)") from None

