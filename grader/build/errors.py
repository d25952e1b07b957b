"""The one exception the build raises for bad input (an assignment source, a reference path,
a checks file): its message is a single line naming the file, the cell and the problem."""

from __future__ import annotations

from grader.errors import UserError


class BuildError(UserError):
    """Bad assignment input; ``str(error)`` is the one-line message the CLI prints."""
