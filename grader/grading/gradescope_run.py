"""What the Gradescope autograder's ``run_autograder`` runs: grade the one submission Gradescope
put in ``<root>/submission/`` and write ``<root>/results/results.json``.

    python -m grader.grading.gradescope_run --root /autograder        (run_autograder does this)
    run(root=Path("/autograder")) -> SubmissionRecord

``<root>/source/`` is the unpacked ``autograder.zip`` (``grader/build/autograder_zip.py``). The
record is the one ``course grade`` gives the same file for the same student id: the student id
is the first submitter's email in Gradescope's ``submission_metadata.json`` (it seeds the
hidden inputs), else the submitted file's stem. A submission without a notebook or .py file
gets a zero with a message saying what to upload. A failure of the grader itself is a traceback
in the autograder's stdout (shown to instructors only) and no results.json: Gradescope then
reports that the autograder failed, rather than a grade nobody earned or lost.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.grading.discover import SUBMISSION_SUFFIXES, Submission
from grader.export.gradescope import gradescope_json
from grader.bundle import AssignmentBundle
from grader.grading.submission import grade_submission
from grader.worker.isolation import launcher_for, resolve_isolation
from grader.records import SubmissionRecord, TestResult


def _submission_file(folder: Path, slug: str) -> Path | None:
    """``<slug>.ipynb`` if present, else the only (or first) notebook, else the first .py."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUBMISSION_SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    preferred = [p for p in files if p.stem == slug]
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    return (preferred or notebooks or files or [None])[0]


def _student_id(root: Path, submission: Path) -> str:
    try:
        users = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))["users"]
        return str(users[0]["email"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return submission.stem


def _nothing_to_grade(bundle: AssignmentBundle) -> SubmissionRecord:
    reason = (f"no notebook or .py file found in your submission: upload {bundle.slug}.ipynb "
              f"(File > Download in Jupyter)")
    # One zero per task, so that Gradescope's total (the sum of the tests' max_score) stays right.
    tests = tuple(TestResult(name=f"{task}: nothing submitted", task=task, score=0.0, max_score=points,
                             status="missing", output=reason) for task, points in bundle.task_points.items())
    return SubmissionRecord(student="", assignment=bundle.slug, submission_sha256="", submission_file="",
                            status="unreadable", score=0.0, max_score=bundle.max_score, tests=tests,
                            problems=(reason,))


def run(*, root: Path) -> SubmissionRecord:
    """Grade ``root/submission`` with ``root/source``; write ``root/results/results.json``."""
    source = root / "source"
    bundle = AssignmentBundle.load(source / "bundle")
    secret = (source / "secret").read_text(encoding="utf-8")
    path = _submission_file(root / "submission", bundle.slug)
    if path is None:
        record = _nothing_to_grade(bundle)
    else:
        launcher = launcher_for(resolve_isolation("auto"))
        record = grade_submission(Submission(_student_id(root, path), bundle.slug, path), bundle,
                                  secret=secret, launcher=launcher)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "results.json").write_text(gradescope_json(record), encoding="utf-8")
    print(f"{record.student or '(no file)'}: {record.score:g} / {record.max_score:g}")
    return record


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--root":
        print("usage: python -m grader.grading.gradescope_run --root /autograder", file=sys.stderr)
        return 2
    run(root=Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
