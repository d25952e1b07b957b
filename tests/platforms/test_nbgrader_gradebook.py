"""The nbgrader gradebook writer on its own, through nbgrader's API: a fresh gradebook gets the
assignment, its grade cells and our scores; a wrong one is refused before grading."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from grader.export.nbgrader_gradebook import (
    NbgraderGradebookError,
    check_nbgrader_gradebook,
    task_comment,
    write_nbgrader_gradebook,
)
from grader.records import SubmissionRecord, TestResult

POINTS = {"relu_forward": 1.0, "relu_backward": 2.0}


@pytest.fixture(autouse=True)
def _alembic_on_path(monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


def _record(student: str, output: str = "dx: wrong sign") -> SubmissionRecord:
    tests = (TestResult("relu_forward: values", "relu_forward", 1 / 3, 1 / 3, "passed"),
             TestResult("relu_forward: zero", "relu_forward", 1 / 3, 1 / 3, "passed"),
             TestResult("relu_forward: big", "relu_forward", 1 / 3, 1 / 3, "passed"),
             TestResult("relu_backward: dx", "relu_backward", 0.0, 2.0, "failed", output=output))
    return SubmissionRecord(student=student, assignment="01_toy", submission_sha256="b" * 64,
                            submission_file="01_toy.ipynb", status="graded", score=1.0, max_score=3.0, tests=tests)


def test_a_fresh_gradebook_gets_assignment_cells_and_scores(tmp_path):
    from nbgrader.api import Gradebook

    db = tmp_path / "gradebook.db"
    Gradebook(f"sqlite:///{db}").close()
    check_nbgrader_gradebook(db, slug="01_toy", task_points=POINTS)
    written = write_nbgrader_gradebook([_record("ada")], db, slug="01_toy", task_points=POINTS,
                                       due="2026-10-05T23:59:00+02:00", timestamps={"ada": "2026-10-05 20:00:00 UTC"})
    assert written == 1
    with Gradebook(f"sqlite:///{db}") as gb:
        assignment = gb.find_assignment("01_toy")
        assert str(assignment.duedate) == "2026-10-05 21:59:00" and assignment.max_score == 3
        submission = gb.find_submission("01_toy", "ada")
        assert submission.score == pytest.approx(1.0) and str(submission.timestamp) == "2026-10-05 20:00:00"
        assert gb.find_grade("relu_forward", "01_toy", "01_toy", "ada").auto_score == 1.0  # 3 x 1/3, rounded
    # the same points again are fine; different ones are refused with the command that fixes it
    with pytest.raises(NbgraderGradebookError, match=r"relu_backward is worth 2 there, 5 in course.toml.*--force"):
        check_nbgrader_gradebook(db, slug="01_toy", task_points={**POINTS, "relu_backward": 5.0})


def test_missing_or_foreign_gradebooks_are_refused(tmp_path):
    with pytest.raises(NbgraderGradebookError, match="no such nbgrader gradebook.*generate_assignment 01_toy"):
        check_nbgrader_gradebook(tmp_path / "nope.db", slug="01_toy", task_points=POINTS)
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(NbgraderGradebookError, match="not an nbgrader gradebook"):
        check_nbgrader_gradebook(tmp_path / "junk.db", slug="01_toy", task_points=POINTS)


def test_student_text_in_a_comment_is_quoted_as_code():
    comment = task_comment(_record("ada", output="<img src=x onerror=alert(1)>\n# heading"), "relu_backward")
    first, _, rest = comment.partition("\n\n")
    assert first == "0 of 1 tests passed (0 / 2 points)."
    assert all(line.startswith("    ") for line in rest.splitlines())  # a Markdown code block: escaped
    assert "<img src=x onerror=alert(1)>" in rest


def test_the_same_feedback_is_one_line():
    record = _record("ada")
    stub = TestResult("relu_backward: dx again", "relu_backward", 0.0, 1.0, "failed", output="dx: wrong sign")
    other = TestResult("relu_backward: shape", "relu_backward", 0.0, 1.0, "failed", output="dx: wrong shape")
    record = SubmissionRecord(**{**record.__dict__, "tests": record.tests + (stub, other)})
    lines = task_comment(record, "relu_backward").split("\n\n")[1].splitlines()
    assert lines == ["    relu_backward: dx: dx: wrong sign (and 1 more test(s) with this feedback)",
                     "    relu_backward: shape: dx: wrong shape"]
