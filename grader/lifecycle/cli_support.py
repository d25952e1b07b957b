"""Small pieces the ``course`` commands share: option values parsed, the secret's warning."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from grader.config import load_course


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


def development_secret_warning(config: str | Path) -> str | None:
    """The warning to print when ``config``'s committed secret is the one in use (None otherwise;
    None too when course.toml cannot be read: the command itself then reports that)."""
    from grader.config import ConfigError
    from grader.lifecycle.safety import DEVELOPMENT_SECRET_WARNING, development_secret

    try:
        return DEVELOPMENT_SECRET_WARNING if development_secret(load_course(config)) else None
    except ConfigError:
        return None
