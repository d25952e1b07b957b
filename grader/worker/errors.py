"""What a call into the worker can raise. ``StudentError`` and its subclasses cost the student
that call; ``WorkerStartError`` is the grader's (or the installation's) problem."""

from __future__ import annotations

import signal

from grader.errors import UserError


class StudentError(Exception):
    """The student's code failed in a way that costs the current call."""

    def __init__(self, text: str, *, stdout: str = "", stderr: str = ""):
        super().__init__(text)
        self.stdout = stdout
        """What the call printed before failing (capped)."""
        self.stderr = stderr
        """What the call wrote to stderr, warnings included (capped)."""


class StudentException(StudentError):
    """The student's function (or the code it calls) raised."""

    def __init__(self, type_name: str, message: str, *, cell: int | None = None, line: int | None = None,
                 where: str | None = None, **output):
        place = f" ({where or f'cell {cell + 1}'}, line {line})" if cell is not None and line is not None else ""
        super().__init__(f"{type_name}: {message}{place}" if message else f"{type_name}{place}", **output)
        self.type_name = type_name
        """The exception's class name, e.g. ``ValueError`` (``SystemExit`` for sys.exit)."""
        self.message = message
        """str() of the exception, capped."""
        self.cell = cell
        """0-based cell index of the innermost frame in the submission's own code, if any."""
        self.line = line
        """Line number in that cell."""
        self.where = where
        """How that cell is named for the student: ``cell 3``, or ``module`` for a .py file."""


class StudentTimeout(StudentError):
    """The call ran longer than its wall-clock timeout; the worker was killed."""

    def __init__(self, seconds: float, **output):
        super().__init__(f"no answer within {seconds:g} s (infinite loop?)", **output)
        self.seconds = seconds


class SubmissionOutOfTime(StudentTimeout):
    """The submission used up its total wall-clock budget (``Limits.submission_seconds``):
    nothing more of it is run, so one submission cannot hold a batch up for long."""

    def __init__(self, seconds: float, **output):
        StudentError.__init__(self, f"the submission used up its time budget of {seconds:g} s (loading and every "
                              "call together); the rest of it was not run", **output)
        self.seconds = seconds


class StudentCrashed(StudentError):
    """The worker process died during the call (os._exit, a signal, a resource limit)."""

    def __init__(self, text: str, *, returncode: int | None = None, log: str = "", **output):
        super().__init__(text, **output)
        self.returncode = returncode
        """Exit status; negative: killed by that signal."""
        self.log = log
        """The end of what the process wrote to fds 1 and 2 (e.g. a fatal error dump)."""


class MissingFunction(StudentError):
    """The submission defines no callable of that name."""


class InvalidResult(StudentError):
    """The reply could not be accepted: malformed, too large, too deep, or of a refused type."""


class LostHandle(StudentError):
    """A ``Handle`` from a worker that has since been restarted: its object is gone."""


class WorkerStartError(UserError):
    """The worker could not start at all: a grader or installation problem, not the student's."""


def describe_exit(status: int | None, cpu_seconds: float) -> str:
    """A sentence for an exit status, naming the likely cause."""
    if status is None:
        return "the worker stopped answering"
    if status >= 0:
        return f"the process exited with status {status} (os._exit or a fatal error)"
    name = signal.Signals(-status).name if -status in signal.valid_signals() else f"signal {-status}"
    hints = {"SIGXCPU": f": CPU time limit of {cpu_seconds:g} s exceeded", "SIGSEGV": ": segmentation fault",
             "SIGXFSZ": ": file size limit exceeded", "SIGKILL": " (out of memory, or killed)"}
    return f"the process was killed by {name}{hints.get(name, '')}"
