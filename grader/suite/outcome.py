"""Turn what a hidden test raised into a test status and a message a student can act on."""

from __future__ import annotations

from grader.worker.client import (
    InvalidResult,
    LostHandle,
    MissingFunction,
    StudentCrashed,
    StudentException,
    StudentTimeout,
    WorkerStartError,
)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def classify_exception(exc: BaseException, grade_failure: type[BaseException]) -> tuple[str, str]:
    """(status, message) for an exception raised by a hidden test's call phase."""
    if isinstance(exc, grade_failure):
        return "failed", str(exc)
    if isinstance(exc, WorkerStartError):
        return "grader_error", "the grader could not start a worker for your code (not your fault): it has been reported"

    if isinstance(exc, StudentException):
        if exc.type_name == "NotImplementedError":
            return "not_implemented", "not implemented yet (the stub still raises NotImplementedError)"
        return "error", f"your code raised {exc.type_name}: {_first_line(exc.message)}"
    if isinstance(exc, MissingFunction):
        return "missing", f"not found: {exc}"
    if isinstance(exc, StudentTimeout):
        return "timeout", f"took too long: {exc}"
    if isinstance(exc, (StudentCrashed, LostHandle)):
        return "crashed", f"the process running your code died: {exc}"
    if isinstance(exc, InvalidResult):
        return "failed", f"returned a value that cannot be graded: {exc}"
    if isinstance(exc, AssertionError):
        # Only an explicit assertion message reaches the student: pytest's rewritten
        # explanation could show the hidden inputs.
        message = _first_line(str(exc))
        if not message or message.startswith("assert "):
            message = "a property check failed"
        return "failed", message
    # The student's result broke the test's own handling of it (e.g. unpacking a bare array
    # as (out, cache)): a wrong answer, named as such.
    return "error", f"your function's result could not be used: {type(exc).__name__}: {_first_line(str(exc))}"
