"""Write every output of a graded assignment from its records: per student a JSON record,
Gradescope results.json and Markdown/HTML feedback; the CSV gradebook; the summary report.

    out/<slug>/<student>/record.json, results.json, feedback.md, feedback.html
    out/<slug>/gradebook.csv
    out/<slug>/report/report.md (+ PNG plots)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.export.csv_gradebook import gradebook_csv
from grader.export.feedback import feedback_html, feedback_markdown
from grader.export.gradescope import gradescope_json
from grader.export.report import write_report
from grader.records import SubmissionRecord


def _safe_name(student: str) -> str:
    # A student id comes from a file or folder name; keep it one path component.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in student).lstrip(".") or "_"


def write_outputs(records: Sequence[SubmissionRecord], out: Path, *, title: str) -> None:
    by_assignment: dict[str, list[SubmissionRecord]] = {}
    for record in records:
        by_assignment.setdefault(record.assignment, []).append(record)
    for slug, subset in by_assignment.items():
        folder = out / slug
        for record in subset:
            student_dir = folder / _safe_name(record.student)
            student_dir.mkdir(parents=True, exist_ok=True)
            (student_dir / "record.json").write_text(record.to_json())
            (student_dir / "results.json").write_text(gradescope_json(record))
            (student_dir / "feedback.md").write_text(feedback_markdown(record, title=title))
            (student_dir / "feedback.html").write_text(feedback_html(record, title=title))
        (folder / "gradebook.csv").write_text(gradebook_csv(subset))
        write_report(subset, folder / "report", title=title)
