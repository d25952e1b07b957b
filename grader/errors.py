"""What is the user's fault, and so not a bug: the base of every error the ``course`` command
reports as one line and exit code 2.

An instructor's input (course.toml, an assignment source, a bundle, a download, a roster, an
option value) or the place they asked for output can be wrong; the message then names the file,
key or option and says what to do. Anything else that escapes a command is a bug in the grader:
the command prints its traceback and exits with 3 (docs/ci.md lists every exit code).
"""

from __future__ import annotations

import signal


class UserError(Exception):
    """Bad input or an unusable place for output; ``str(error)`` is one line saying what to fix."""


class BadArguments(UserError):
    """An option of a command is out of range or malformed."""


class GradingInterrupted(Exception):
    """SIGINT or SIGTERM stopped a batch: every finished record is in the gradebook. Neither the
    user's input nor a bug: one line, exit 128 + the signal's number."""

    def __init__(self, signum: int, graded: int, remaining: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}: {graded} submission(s) graded and saved, "
                         f"{remaining} not graded; run the same command again to finish")
