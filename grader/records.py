"""Grading records: what one test and one submission produced, as plain typed data.

A ``SubmissionRecord`` is the per-student JSON record (schema in the README). Its JSON form is
deterministic: the same submission, student id and course secret give the same bytes (no
timestamps, sorted keys, scores rounded to 1e-6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

SCHEMA_VERSION = 1

TEST_STATUSES = ("passed", "failed", "error", "not_implemented", "missing", "timeout", "crashed", "grader_error")
"""passed/failed: the output was compared; error: the student's code raised; not_implemented:
it raised NotImplementedError; missing: the function is not defined; timeout/crashed: the
worker ran out of time or died during the test; grader_error: the hidden test itself failed
(an instructor's problem, never the student's: reported loudly)."""

SUBMISSION_STATUSES = ("graded", "unreadable")
"""graded: the hidden suite ran; unreadable: the file could not be read as a submission."""


@dataclass(frozen=True)
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

    def to_json(self) -> str:
        return json.dumps(_rounded(self._plain()), sort_keys=True, indent=2) + "\n"

    def _plain(self) -> dict:
        # dataclasses.asdict deep-copies every value: 6 ms for a record of 138 tests, paid three
        # times per submission (pool, gradebook, outputs). The fields are plain data already.
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        plain["tests"] = [{f.name: getattr(t, f.name) for f in fields(TestResult)} for t in self.tests]
        return plain

    @classmethod
    def from_json(cls, text: str) -> "SubmissionRecord":
        data = json.loads(text)
        data["tests"] = tuple(TestResult(**t) for t in data.get("tests", ()))
        data["problems"] = tuple(data.get("problems", ()))
        return cls(**data)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value
