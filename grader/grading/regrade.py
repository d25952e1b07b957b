"""The regrade diff: what grading again (a changed hidden test, tolerance or reference, or a new
submission) did to the grades, student by student and test by test, from the records before
and after. Nothing here grades; it compares records.

    diff = regrade_diff(previous={student: record}, current=[records graded in this run])
    diff.summary                      # "2 scores changed (1 up, 1 down)"
    write_regrade(diff, folder)       # folder/regrade.md, folder/regrade.csv

``course grade --dry-run`` grades into a ``DryRunGradebook``: it reads the gradebook file
without ever writing to it and keeps the new records in memory, so the diff can be looked at
before anything is published.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.export.escape import markdown_code, markdown_text
from grader.grading.gradebook import Gradebook, GradebookError
from grader.records import SubmissionRecord, TestResult

ABSENT = "absent"
"""The status of a test that one of the two records does not have (added or removed)."""
_EPS = 1e-6  # records round scores to 1e-6


@dataclass(frozen=True)
class TestChange:
    """One test whose points changed for one student."""

    __test__ = False  # a record, not a pytest test class

    task: str
    """The graded function."""
    test: str
    """The test's name."""
    old_score: float
    """Points before (0 when the test did not exist)."""
    new_score: float
    """Points after (0 when the test no longer exists)."""
    old_status: str
    """Status before, or ``ABSENT``."""
    new_status: str
    """Status after, or ``ABSENT``."""


@dataclass(frozen=True)
class StudentChange:
    """One student whose points changed on at least one test."""

    student: str
    """Student id."""
    old_score: float
    """Total before."""
    new_score: float
    """Total after."""
    max_score: float
    """Points available (after)."""
    same_submission: bool
    """False when the student handed in a new file since: the change is not the tests' alone."""
    tests: tuple[TestChange, ...]
    """The tests behind the change, in suite order."""
    tasks: dict[str, tuple[float, float]]
    """Function -> (points before, points after), for the functions whose points changed."""

    @property
    def delta(self) -> float:
        return self.new_score - self.old_score


@dataclass(frozen=True)
class RegradeDiff:
    """The difference a run made to the grades of the students it regraded."""

    assignment: str
    """Assignment slug."""
    compared: tuple[str, ...]
    """Students graded in this run who had a record before."""
    changes: tuple[StudentChange, ...]
    """Students with at least one test's points changed, sorted by student."""
    feedback_only: tuple[str, ...]
    """Students whose points did not move but whose feedback did (a status or diagnosis)."""
    dry_run: bool = False
    """True when nothing was written: the gradebook and every export are as they were."""

    @property
    def up(self) -> int:
        return sum(c.delta > _EPS for c in self.changes)

    @property
    def down(self) -> int:
        return sum(c.delta < -_EPS for c in self.changes)

    @property
    def summary(self) -> str:
        """``N scores changed (M up, K down)``: N counts students whose total changed."""
        line = f"{self.up + self.down} scores changed ({self.up} up, {self.down} down)"
        moved = len(self.changes) - self.up - self.down
        if moved:
            line += f"; {moved} more with points moved between tests, same total"
        return line


def _task_changes(before: SubmissionRecord, after: SubmissionRecord) -> dict[str, tuple[float, float]]:
    old, new = _task_totals(before), _task_totals(after)
    return {t: (old.get(t, 0.0), new.get(t, 0.0)) for t in dict.fromkeys([*new, *old])
            if abs(old.get(t, 0.0) - new.get(t, 0.0)) > _EPS}


def _task_totals(record: SubmissionRecord) -> dict[str, float]:
    totals: dict[str, float] = {}
    for test in record.tests:
        totals[test.task] = totals.get(test.task, 0.0) + test.score
    return totals


def _keyed(tests: Sequence[TestResult]) -> dict[tuple[str, int], TestResult]:
    """Tests by (name, occurrence): a name can repeat within a suite."""
    seen: dict[str, int] = {}
    keyed = {}
    for test in tests:
        seen[test.name] = seen.get(test.name, 0) + 1
        keyed[(test.name, seen[test.name])] = test
    return keyed


def _test_changes(before: SubmissionRecord, after: SubmissionRecord) -> tuple[list[TestChange], bool]:
    """(tests whose points changed, whether any test's feedback changed)."""
    old, new = _keyed(before.tests), _keyed(after.tests)
    changes, feedback = [], False
    for key in list(dict.fromkeys([*new, *old])):
        a, b = old.get(key), new.get(key)
        old_score, new_score = (a.score if a else 0.0), (b.score if b else 0.0)
        if a is None or b is None or abs(old_score - new_score) > _EPS:
            task = (b or a).task
            changes.append(TestChange(task, key[0], old_score, new_score, a.status if a else ABSENT,
                                      b.status if b else ABSENT))
        elif (a.status, a.output, a.diagnosis) != (b.status, b.output, b.diagnosis):
            feedback = True
    # A test added or removed with 0 points on both sides moved nothing: feedback only.
    moved = [c for c in changes if abs(c.old_score - c.new_score) > _EPS]
    return moved, feedback or len(moved) != len(changes)


def regrade_diff(*, previous: Mapping[str, SubmissionRecord], current: Sequence[SubmissionRecord],
                 assignment: str = "", dry_run: bool = False) -> RegradeDiff:
    """Compare each record of ``current`` with the same student's record in ``previous``
    (students without one are new, not changed)."""
    slugs = {r.assignment for r in current} | {r.assignment for r in previous.values()} | (
        {assignment} if assignment else set())
    if len(slugs) > 1:
        raise ValueError(f"regrade_diff() compares one assignment's records, got {sorted(slugs)}")
    changes, feedback_only = [], []
    after = {r.student: r for r in current if r.student in previous}
    for student in sorted(after):
        before, now = previous[student], after[student]
        tests, feedback = _test_changes(before, now)
        if tests:
            changes.append(StudentChange(student, before.score, now.score, now.max_score,
                                         before.submission_sha256 == now.submission_sha256, tuple(tests),
                                         _task_changes(before, now)))
        elif feedback or before.problems != now.problems:
            feedback_only.append(student)
    return RegradeDiff(assignment=next(iter(slugs), ""), compared=tuple(sorted(after)), changes=tuple(changes),
                       feedback_only=tuple(feedback_only), dry_run=dry_run)


def _points(value: float) -> str:
    return f"{value:.4g}"  # points come in thirds and sevenths: 0.3333, not 0.333333 + 0.666666


def _exact(value: float) -> str:
    return f"{round(value, 6):g}"


def _signed(value: float) -> str:
    return f"{value:+.4g}"


def regrade_markdown(diff: RegradeDiff) -> str:
    """The instructor's view: the summary line, whose scores changed, per function, and the
    tests that caused it."""
    esc = markdown_text
    lines = [f"# Regrade: {esc(diff.assignment)}", "", f"**{diff.summary}** among {len(diff.compared)} students "
             f"graded before and again now.", ""]
    if diff.dry_run:
        lines += ["Dry run: nothing was written. The gradebook, the records, the feedback and every export "
                  "are as they were; run again without `--dry-run` to apply these grades.", ""]
    if diff.feedback_only:
        lines += [f"Feedback changed with the same points for: {', '.join(esc(s) for s in diff.feedback_only)}.", ""]
    if not diff.changes:
        return "\n".join(lines + ["No test's points changed for any student.", ""])
    lines += ["## Scores", "", "| student | before | after | change | submission |", "|---|---|---|---|---|"]
    for c in diff.changes:
        handed_in = "same" if c.same_submission else "**new file** since"
        lines.append(f"| {esc(c.student)} | {_points(c.old_score)} | {_points(c.new_score)} / {_points(c.max_score)} "
                     f"| {_signed(c.delta)} | {handed_in} |")
    lines += ["", "## Per function", "", "| student | function | before | after | tests behind it |",
              "|---|---|---|---|---|"]
    for c in diff.changes:
        for task, (old, new) in c.tasks.items():
            behind = "; ".join(f"{esc(t.test, limit=90)} ({t.old_status} → {t.new_status})"
                               for t in c.tests if t.task == task)
            lines.append(f"| {esc(c.student)} | {markdown_code(task)} | {_points(old)} | {_points(new)} | {behind} |")
    lines += ["", "## Tests behind the changes", "", "| test | function | students up | students down |",
              "|---|---|---|---|"]
    for (task, test), (up, down) in _per_test(diff).items():
        lines.append(f"| {esc(test, limit=120)} | {markdown_code(task)} | {up} | {down} |")
    return "\n".join(lines) + "\n"


def _per_test(diff: RegradeDiff) -> dict[tuple[str, str], tuple[int, int]]:
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    for change in diff.changes:
        for t in change.tests:
            up, down = counts.get((t.task, t.test), (0, 0))
            counts[(t.task, t.test)] = (up + (t.new_score > t.old_score), down + (t.new_score < t.old_score))
    return counts


def regrade_csv(diff: RegradeDiff) -> str:
    """One row per (student, test) whose points changed, with the student's totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "assignment", "task", "test", "old_score", "new_score", "old_status", "new_status",
                     "student_old_total", "student_new_total", "max_score", "same_submission"])
    for c in diff.changes:
        for t in c.tests:
            writer.writerow([c.student, diff.assignment, t.task, t.test, _exact(t.old_score), _exact(t.new_score),
                             t.old_status, t.new_status, _exact(c.old_score), _exact(c.new_score),
                             _exact(c.max_score), "yes" if c.same_submission else "no"])
    return out.getvalue()


def write_regrade(diff: RegradeDiff, folder: Path) -> Path:
    """Write ``regrade.md`` and ``regrade.csv`` into ``folder``; return the Markdown file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "regrade.csv").write_text(regrade_csv(diff))
    report = folder / "regrade.md"
    report.write_text(regrade_markdown(diff))
    return report


class DryRunGradebook:
    """The gradebook as ``grade_batch`` sees it, with every ``put`` kept in memory: the file is
    opened read-only and its bytes never change."""

    def __init__(self, path: Path, *, busy_seconds: float = 30.0):
        try:
            self._book = Gradebook(path, read_only=True, busy_seconds=busy_seconds)
        except FileNotFoundError:
            raise GradebookError(f"--dry-run compares with the gradebook {path}, which does not exist yet: "
                             f"grade once without --dry-run (or give the --out of that run)") from None
        self._new: dict[tuple[str, str], SubmissionRecord] = {}

    def __enter__(self) -> "DryRunGradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()

    def get(self, student: str, assignment: str, sha256: str) -> SubmissionRecord | None:
        new = self._new.get((student, assignment))
        if new is not None and new.submission_sha256 == sha256:
            return new
        return self._book.get(student, assignment, sha256)

    def put(self, record: SubmissionRecord) -> None:
        self._new[(record.student, record.assignment)] = record

    def records(self, assignment: str | None = None) -> list[SubmissionRecord]:
        latest = {(r.student, r.assignment): r for r in self._book.records(assignment)}
        latest.update({k: r for k, r in self._new.items() if assignment in (None, r.assignment)})
        return [latest[k] for k in sorted(latest, key=lambda k: (k[1], k[0]))]


def open_gradebook(path: Path, *, dry_run: bool, busy_seconds: float = 30.0) -> Gradebook | DryRunGradebook:
    """The gradebook a grading run writes to, or, for a dry run, one that only looks."""
    return DryRunGradebook(path, busy_seconds=busy_seconds) if dry_run else Gradebook(path, busy_seconds=busy_seconds)


def record_regrade(previous: Sequence[SubmissionRecord], current: Sequence[SubmissionRecord],
                   graded: Sequence[str], folder: Path, *, assignment: str, dry_run: bool) -> RegradeDiff | None:
    """After a grading run: the diff for the students it regraded that had a record before,
    written to ``folder`` (always on a dry run); None when there was nothing to compare."""
    before = {r.student: r for r in previous}
    regraded = set(graded)
    diff = regrade_diff(previous={s: r for s, r in before.items() if s in regraded},
                        current=[r for r in current if r.student in regraded], assignment=assignment,
                        dry_run=dry_run)
    if not diff.compared and not dry_run:
        return None
    write_regrade(diff, folder)
    return diff
