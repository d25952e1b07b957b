"""Write every output of a graded assignment from its records: per student a JSON record,
Gradescope results.json and Markdown/HTML feedback; the CSV gradebook; the summary report.

    out/<slug>/<student>/record.json, results.json, feedback.md, feedback.html
    out/<slug>/gradebook.csv
    out/<slug>/report/report.md (+ PNG plots)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from grader.errors import UserError
from grader.grading import faults
from grader.export.csv_gradebook import gradebook_csv
from grader.export.feedback import feedback_html, feedback_markdown
from grader.export.gradescope import gradescope_json
from grader.export.report import write_report
from grader.records import SubmissionRecord, grader_error_reason


class OutputError(UserError):
    """The output folder cannot be written (full disk, read-only, no permission): the records are
    safe in the gradebook, and a re-run writes every output again."""


def _safe_name(student: str) -> str:
    # A student id comes from a file or folder name; keep it one path component.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in student).lstrip(".") or "_"


def _write(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a half-written feedback file is worse than none."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _student_files(record: SubmissionRecord, *, title: str) -> dict[str, str]:
    return {"record.json": record.to_json(), "results.json": gradescope_json(record),
            "feedback.md": feedback_markdown(record, title=title), "feedback.html": feedback_html(record, title=title)}


def _resource_error(folder: Path, error: OSError) -> OutputError:
    return OutputError(f"{folder}: outputs cannot be written ({error.strerror or error}); every grade is saved "
                       "in the gradebook: run the same command again once the folder is writable")


def write_outputs(records: Sequence[SubmissionRecord], out: Path, *, title: str,
                  on_failure: Callable[[SubmissionRecord], None] | None = None) -> list[SubmissionRecord]:
    """Write every output; return the records as written.

    A student whose files cannot be made (anything but the folder being unwritable) gets a
    ``grader_error`` record instead, passed to ``on_failure`` (to save it) and written in its
    place; nobody else is affected. An unwritable folder (OSError) raises ``OutputError``."""
    written: list[SubmissionRecord] = []
    by_assignment: dict[str, list[SubmissionRecord]] = {}
    for record in records:
        by_assignment.setdefault(record.assignment, []).append(record)
    for slug, subset in by_assignment.items():
        folder = out / slug
        kept: list[SubmissionRecord] = []
        try:
            for record in subset:
                student_dir = folder / _safe_name(record.student)
                student_dir.mkdir(parents=True, exist_ok=True)
                try:
                    faults.inject("export", record.student)
                    files = _student_files(record, title=title)
                except Exception as error:
                    record = _export_failure(record, error)
                    if on_failure:
                        on_failure(record)
                    files = _student_files(record, title=title)
                for name, text in files.items():
                    _write(student_dir / name, text)
                kept.append(record)
            _write(folder / "gradebook.csv", gradebook_csv(kept))
            write_report(kept, folder / "report", title=title)
        except OSError as error:
            raise _resource_error(folder, error) from None
        written += kept
    return written


def _export_failure(record: SubmissionRecord, error: Exception) -> SubmissionRecord:
    task_points: dict[str, float] = {}
    for test in record.tests:
        task_points[test.task] = task_points.get(test.task, 0.0) + test.max_score
    return SubmissionRecord.failed(student=record.student, assignment=record.assignment,
                                   submission_sha256=record.submission_sha256,
                                   submission_file=record.submission_file, task_points=task_points,
                                   status="grader_error",
                                   reason=grader_error_reason("writing the feedback of", error))
