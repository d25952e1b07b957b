"""``course export SLUG --format csv|canvas|moodle``: final scores for an LMS grade book.

    export_grades(records, roster=, fmt=, column=, max_score=) -> ExportResult

csv: one row per graded student: student_id, score (final), max_score, raw_score, late,
hours_late, penalty_percent, status.

canvas: Canvas's Gradebook import format, the columns of its own Gradebook export:
``Student, ID, SIS User ID, SIS Login ID, Section, <assignment>``, then a ``Points Possible``
row. ID is the Canvas user id (roster ``canvas_id``); a column header ``Name (12345)`` updates the
existing assignment 12345, a header without an id creates a new assignment. See Canvas's
Instructor Guide, "How do I import grades in the Gradebook?" and "How do I export grades in the
Gradebook?" (community.canvaslms.com). A blank cell leaves Canvas's grade unchanged.

moodle: Moodle's "Import grades > CSV file" (docs.moodle.org/en/Grade_import): any identifier
column that the import maps to a user ("Email address" -> useremail, "ID number" ->
useridnumber, "Username" -> username; the roster's email, id_number and username), then one
column per grade item, named after the assignment.

Scores are the records' final scores (late penalties applied), rounded for people. Text cells
go through ``csv_cell`` (no spreadsheet formulas). A ``grader_error`` record is not a grade: the
LMS formats leave its cell blank (the csv format lists it with its status).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from grader.errors import UserError
from grader.export.escape import csv_cell
from grader.export.numbers import points
from grader.lifecycle.roster import Roster
from grader.records import SubmissionRecord

FORMATS = ("csv", "canvas", "moodle")
_MOODLE_IDS = (("email", "Email address"), ("id_number", "ID number"), ("username", "Username"))


class ExportError(UserError):
    """The export cannot be made as asked (one line, exit 2)."""


@dataclass
class ExportResult:
    text: str
    """The CSV."""
    rows: int
    """Students with a score in it."""
    not_on_roster: list[str] = field(default_factory=list)
    """Graded students the roster does not know (left out of LMS formats)."""
    ungraded: list[str] = field(default_factory=list)
    """Roster students without a record (blank in LMS formats)."""
    grader_errors: list[str] = field(default_factory=list)
    """Students whose record is a ``grader_error`` (not their grade: blank in LMS formats)."""


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[csv_cell(c) for c in row] for row in rows])
    return out.getvalue()


def _late(record: SubmissionRecord) -> dict:
    late = record.extra.get("late")
    return late if isinstance(late, dict) else {}


def export_grades(records: Sequence[SubmissionRecord], *, roster: Roster | None, fmt: str, column: str,
                  max_score: float) -> ExportResult:
    """The export of ``records`` (one assignment) in ``fmt``; ``column`` names the LMS's grade column."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    by_student = {r.student: r for r in records}
    known = {e.student_id for e in roster.entries} if roster else set(by_student)
    result = ExportResult(text="", rows=0, not_on_roster=sorted(set(by_student) - known),
                          ungraded=sorted(known - set(by_student)),
                          grader_errors=sorted(r.student for r in records if r.status == "grader_error"))
    if fmt == "csv":
        rows = [["student_id", "score", "max_score", "raw_score", "late", "hours_late", "penalty_percent", "status"]]
        for student in sorted(by_student):
            record, late = by_student[student], _late(by_student[student])
            rows.append([student, points(record.score), points(record.max_score),
                         points(late.get("raw_score", record.score)), late.get("status", "unknown"),
                         points(late.get("hours_late", 0.0)), points(late.get("penalty_percent", 0.0)),
                         record.status])
        result.text, result.rows = _csv(rows), len(rows) - 1
        return result
    if roster is None:
        raise ExportError(f"--format {fmt} needs --roster: the LMS knows students by its own ids")
    # A grader error's 0 is not the student's grade: the LMS keeps what it has until a re-run.
    by_student = {student: r for student, r in by_student.items() if r.status != "grader_error"}
    if fmt == "canvas":
        missing = [e.student_id for e in roster.entries if not e.get("canvas_id")]
        if missing:
            raise ExportError(f"{roster.path.name}: no canvas_id for {', '.join(missing[:5])}"
                              f"{', ...' if len(missing) > 5 else ''} (Canvas matches rows by its user id)")
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column],
                ["    Points Possible", "", "", "", "", points(max_score)]]
        for entry in roster.entries:
            record = by_student.get(entry.student_id)
            rows.append([entry.get("name") or entry.student_id, entry.get("canvas_id"), entry.get("sis_user_id"),
                         entry.get("sis_login_id"), entry.get("section"), points(record.score) if record else ""])
    else:
        ids = [(key, header) for key, header in _MOODLE_IDS if any(e.get(key) for e in roster.entries)]
        if not ids:
            raise ExportError(f"{roster.path.name}: Moodle's import needs an email, id_number or username "
                              "column to match students")
        rows = [[header for _, header in ids] + [column]]
        for entry in roster.entries:
            record = by_student.get(entry.student_id)
            rows.append([entry.get(key) for key, _ in ids] + [points(record.score) if record else ""])
    result.text = _csv(rows)
    result.rows = sum(1 for e in roster.entries if e.student_id in by_student)
    return result
