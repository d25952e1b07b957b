"""Grading records: what one test and one submission produced, as plain typed data.

A ``SubmissionRecord`` is the per-student JSON record (schema in the README). Its JSON form is
deterministic: the same submission, student id and course secret give the same bytes (no
timestamps, sorted keys, scores rounded to 1e-6).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields

from grader.json_text import dumps_indented
from grader.safe_text import clean_text

SCHEMA_VERSION = 1

TEST_STATUSES = ("passed", "failed", "error", "not_implemented", "missing", "timeout", "crashed", "grader_error")
"""passed/failed: the output was compared; error: the student's code raised; not_implemented:
it raised NotImplementedError; missing: the function is not defined; timeout/crashed: the
worker ran out of time or died during the test; grader_error: the hidden test itself failed
(an instructor's problem, never the student's: reported loudly)."""

SUBMISSION_STATUSES = ("graded", "unreadable", "crashed", "grader_error")
"""graded: the hidden suite ran; unreadable: the file could not be read as a submission (graded
as empty); crashed: the submission took down the process grading it (every test 0); grader_error:
grading it failed for a reason that is not the student's (every test 0, the reason in
``problems``; a re-run grades it again)."""

# Student text enters a record here, and only through these caps (see grader.safe_text).
NAME_CHARS = 500
OUTPUT_CHARS = 4000
PROBLEM_CHARS = 2000
ID_CHARS = 200


def _clean_fields(record, limits: dict[str, int]) -> None:
    for name, limit in limits.items():
        value = getattr(record, name)
        cleaned = clean_text(value, limit=limit)
        if cleaned is not value:
            object.__setattr__(record, name, cleaned)


@dataclass(frozen=True, slots=True)
class TestResult:
    """The outcome of one hidden test for one submission."""

    __test__ = False  # a record, not a pytest test class

    name: str
    """Test name shown to the student, e.g. ``linear_backward: dw on a batch of 1``."""
    task: str
    """The graded function this test belongs to (its nbgrader grade_id)."""
    score: float
    """Points earned."""
    max_score: float
    """Points available."""
    status: str
    """One of ``TEST_STATUSES``."""
    output: str = ""
    """Feedback for the student: the diagnosis; never the hidden inputs or the secret."""
    visibility: str = "visible"
    """Gradescope visibility: visible, hidden, after_due_date or after_published."""
    diagnosis: str = ""
    """The named mistake a failed test recognised (e.g. ``transposed``, ``2 times too large``,
    a hidden test's known wrong variant), the same words for every student who made it; empty
    when the test passed or the failure has no name. The misconception report counts these."""

    def __post_init__(self) -> None:
        _clean_fields(self, {"name": NAME_CHARS, "task": ID_CHARS, "status": ID_CHARS,
                             "output": OUTPUT_CHARS, "visibility": ID_CHARS})


@dataclass(frozen=True)
class SubmissionRecord:
    """Everything grading one submission produced."""

    student: str
    """Student id (folder name in an nbgrader tree, file stem in a flat folder)."""
    assignment: str
    """Assignment slug, e.g. ``01_activations``."""
    submission_sha256: str
    """SHA-256 of the submitted file's bytes: the gradebook's key with student and assignment."""
    submission_file: str
    """The submitted file's name (not its full path)."""
    status: str
    """One of ``SUBMISSION_STATUSES``."""
    score: float
    """Sum of the tests' scores."""
    max_score: float
    """Sum of the tests' max scores (the assignment's points in course.toml)."""
    tests: tuple[TestResult, ...] = ()
    """Per-test results, in the hidden suite's order."""
    problems: tuple[str, ...] = ()
    """What went wrong outside the tests: unreadable file, cells that raised, shell escapes removed."""
    schema_version: int = SCHEMA_VERSION
    """Version of this record's layout."""
    extra: dict = field(default_factory=dict)
    """Free-form, deterministic details (e.g. the isolation level used)."""

    def __post_init__(self) -> None:
        _clean_fields(self, {"student": ID_CHARS, "assignment": ID_CHARS, "submission_sha256": ID_CHARS,
                             "submission_file": ID_CHARS, "status": ID_CHARS})
        object.__setattr__(self, "problems", tuple(clean_text(p, limit=PROBLEM_CHARS) for p in self.problems))
        object.__setattr__(self, "extra", _clean_extra(self.extra))

    def to_json(self) -> str:
        return dumps_indented(self._plain()) + "\n"

    def _plain(self) -> dict:
        """The record as plain data, its floats rounded to 6 decimals."""
        # dataclasses.asdict deep-copies every value: 6 ms for a record of 138 tests, paid three
        # times per submission (pool, gradebook, outputs). The fields are plain data already.
        plain = {f.name: _rounded(getattr(self, f.name)) for f in fields(self) if f.name != "tests"}
        plain["tests"] = [{name: _rounded(getattr(t, name)) for name in _TEST_FIELDS} for t in self.tests]
        return plain

    @classmethod
    def failed(cls, *, student: str, assignment: str, submission_sha256: str, submission_file: str,
               task_points: dict[str, float], status: str, reason: str) -> "SubmissionRecord":
        """The record of a submission that could not be graded: every task 0 with ``reason``.

        status: ``crashed`` (the submission took down the process grading it) or ``grader_error``
        (grading failed for a reason that is not the student's; a re-run grades it again)."""
        tests = tuple(TestResult(name=f"{task}: not graded", task=task, score=0.0, max_score=points,
                                 status=status, output=reason) for task, points in task_points.items())
        return cls(student=student, assignment=assignment, submission_sha256=submission_sha256,
                   submission_file=submission_file, status=status, score=0.0,
                   max_score=float(sum(task_points.values())), tests=tests, problems=(reason,))

    @classmethod
    def from_json(cls, text: str) -> "SubmissionRecord":
        data = json.loads(text)
        data["tests"] = tuple(TestResult(**_shared_strings(t)) for t in data.get("tests", ()))
        data["problems"] = tuple(data.get("problems", ()))
        return cls(**data)


_SHARED_FIELDS = ("name", "task", "status", "visibility", "diagnosis")
_SHARED_OUTPUT_CHARS = 80


def _shared_strings(test: dict) -> dict:
    """A test's repeated texts made one object each (a batch holds every student's record: the
    same test names, statuses and short outputs, a thousand times over)."""
    for name in _SHARED_FIELDS:
        if type(test.get(name)) is str:
            test[name] = sys.intern(test[name])
    output = test.get("output")
    if type(output) is str and len(output) <= _SHARED_OUTPUT_CHARS:
        test["output"] = sys.intern(output)
    return test


def grader_error_reason(stage: str, error: BaseException) -> str:
    """One line for the student and the instructor saying what failed; never a traceback."""
    detail = " ".join(str(error).split())[:300]
    return (f"the grader failed while {stage} this submission ({type(error).__name__}: {detail}); "
            "this is not your fault, and it will be graded again")


def _clean_extra(value):
    if isinstance(value, str):
        return clean_text(value, limit=PROBLEM_CHARS)
    if isinstance(value, dict):
        return {clean_text(str(k), limit=ID_CHARS): _clean_extra(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_extra(v) for v in value]
    return value


_TEST_FIELDS = tuple(f.name for f in fields(TestResult))


def _rounded(value):
    if type(value) is str:
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value
