"""Gradescope autograder ``results.json`` for one submission record, in the documented format
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"): Gradescope
computes the assignment's total from the tests' ``max_score``, so the top level has none."""

from __future__ import annotations

from grader.json_text import dumps_indented
from grader.records import SubmissionRecord

_GRADESCOPE_STATUS = {"passed": "passed"}


def gradescope_results(record: SubmissionRecord) -> dict:
    """The Gradescope results dict: score, output, visibility, stdout_visibility, tests[] (name,
    number, score, max_score, output, visibility, status, tags = [task])."""
    summary = [f"{record.score:g} / {record.max_score:g} points."]
    summary += [f"Note: {p}" for p in record.problems]
    return {
        "score": round(record.score, 6),
        "output": "\n".join(summary),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": t.name,
                "number": str(i),
                "score": round(t.score, 6),
                "max_score": round(t.max_score, 6),
                "output": t.output,
                "visibility": t.visibility,
                "status": _GRADESCOPE_STATUS.get(t.status, "failed"),
                "tags": [t.task],
            }
            for i, t in enumerate(record.tests, start=1)
        ],
    }


def gradescope_json(record: SubmissionRecord) -> str:
    return dumps_indented(gradescope_results(record)) + "\n"
