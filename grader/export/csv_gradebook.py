"""The CSV gradebook: one row per submission, one column per task."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grader.export.escape import csv_cell
from grader.records import SubmissionRecord


def gradebook_csv(records: Sequence[SubmissionRecord]) -> str:
    """CSV text (text cells neutralised against spreadsheet formulas): student, assignment, score, max_score, status, sha256, then one column per task
    (points earned), rows sorted by assignment then student."""
    tasks: list[str] = []
    for record in records:
        for test in record.tests:
            if test.task not in tasks:
                tasks.append(test.task)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "assignment", "score", "max_score", "status", "submission_sha256",
                     *(csv_cell(t) for t in tasks)])
    for record in sorted(records, key=lambda r: (r.assignment, r.student)):
        per_task = {task: 0.0 for task in tasks}
        for test in record.tests:
            per_task[test.task] += test.score
        writer.writerow([csv_cell(record.student), csv_cell(record.assignment), f"{record.score:g}",
                         f"{record.max_score:g}", record.status, record.submission_sha256,
                         *(f"{per_task[t]:g}" for t in tasks)])
    return out.getvalue()
