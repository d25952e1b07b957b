"""Our records into nbgrader's ``gradebook.db``, through nbgrader's own API, so that formgrader,
``nbgrader export`` and ``nbgrader generate_feedback`` show our grades.

    check_nbgrader_gradebook(db, *, slug, task_points) -> None     before grading: NbgraderGradebookError if unusable
    write_nbgrader_gradebook(records, db, *, slug, task_points, due, timestamps) -> int

The source notebook's tasks are nbgrader grade cells: each solution cell, a "manually graded
answer" worth its points, named by the task (``grader/build/nbgrader_metadata.py``). Per record:
the student and the submission are created if nbgrader has not done so (``nbgrader autograde``
creates them, with the submission's timestamp), then each task's grade cell gets our points as
its *auto* score and a summary of our feedback as its *auto* comment. A manual score or comment
entered in formgrader is never touched: it still wins over ours, as nbgrader's own autograder
does it (a task with a manual score stays flagged for review). The assignment, its notebook and
its grade cells are created when ``nbgrader generate_assignment`` has not (due date from
course.toml, also when nbgrader has none); a gradebook whose grade cells disagree with course.toml's points is refused.

nbgrader is imported only here and only when asked: it takes a second or two to import.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.errors import UserError
from grader.records import SubmissionRecord

TASK_DECIMALS = 4
"""A task's score in nbgrader: the sum of its tests' scores (each rounded to 1e-6), to 4 decimals."""
COMMENT_CHARS = 2000
"""A task's auto comment is cut to this many characters (formgrader shows it in a text box)."""



class NbgraderGradebookError(UserError):
    """The nbgrader gradebook given to ``--nbgrader-db`` cannot take our records (one line, exit 2)."""

def _open(db: Path):
    from nbgrader.api import Gradebook

    # nbgrader runs the `alembic` command to check the database's schema version; when `course`
    # is run as .venv/bin/course without activating the environment, it is not on PATH.
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return Gradebook(f"sqlite:///{Path(db).resolve()}")


def _mismatches(gb, slug: str, task_points: Mapping[str, float]) -> list[str]:
    from nbgrader.api import MissingEntry

    problems = []
    for task, points in task_points.items():
        try:
            cell = gb.find_grade_cell(task, slug, slug)
        except MissingEntry:
            continue
        if abs(cell.max_score - points) > 1e-9:
            problems.append(f"{task} is worth {cell.max_score:g} there, {points:g} in course.toml")
    return problems


def check_nbgrader_gradebook(db: Path, *, slug: str, task_points: Mapping[str, float]) -> None:
    """NbgraderGradebookError (one line) unless ``db`` is a gradebook our records of ``slug`` can go into."""
    db = Path(db)
    if not db.is_file():
        raise NbgraderGradebookError(f"{db}: no such nbgrader gradebook (run `nbgrader generate_assignment {slug}` "
                         f"in the nbgrader course folder first)")
    try:
        with _open(db) as gb:
            problems = _mismatches(gb, slug, task_points)
    except Exception as error:  # sqlalchemy's errors for a file that is not a gradebook
        raise NbgraderGradebookError(f"{db}: not an nbgrader gradebook ({type(error).__name__})") from None
    if problems:
        raise NbgraderGradebookError(f"{db}: its grade cells of {slug} disagree with course.toml ({'; '.join(problems)}): "
                         f"run `nbgrader generate_assignment {slug} --force` on the current build")


def _ensure_assignment(gb, *, slug: str, task_points: Mapping[str, float], due: str) -> None:
    from nbgrader.api import MissingEntry

    try:
        if gb.find_assignment(slug).duedate is None:  # nbgrader's own due date, when set, wins
            gb.update_or_create_assignment(slug, duedate=due)
    except MissingEntry:
        gb.add_assignment(slug, duedate=due)
    try:
        gb.find_notebook(slug, slug)
    except MissingEntry:
        gb.add_notebook(slug, slug)
    for task, points in task_points.items():
        try:
            gb.find_grade_cell(task, slug, slug)
        except MissingEntry:
            gb.add_grade_cell(task, slug, slug, max_score=points, cell_type="code")
            gb.add_solution_cell(task, slug, slug)


def task_comment(record: SubmissionRecord, task: str) -> str:
    """What formgrader and nbgrader's feedback show for one task: how many of its tests passed,
    then each distinct feedback of its failing tests the student may see (a stub's eight
    "not implemented yet" are one line). nbgrader renders a comment as
    Markdown with raw HTML allowed, so everything that quotes the student (the diagnoses and the
    submission's problems) goes in an indented code block, where Markdown escapes it."""
    tests = [t for t in record.tests if t.task == task]
    passed = sum(t.status == "passed" for t in tests)
    summary = (f"{passed} of {len(tests)} tests passed ({sum(t.score for t in tests):.3g} / "
               f"{sum(t.max_score for t in tests):.3g} points).")
    shown: dict[str, list[str]] = {}  # feedback -> the failing tests that gave it, in suite order
    for t in tests:
        if t.status != "passed" and t.visibility != "hidden":
            shown.setdefault(t.output, []).append(t.name)
    quoted = [f"{names[0]}: {output}" + (f" (and {len(names) - 1} more test(s) with this feedback)"
                                         if len(names) > 1 else "") for output, names in shown.items()]
    hidden = sum(t.visibility == "hidden" and t.status != "passed" for t in tests)
    if hidden:
        quoted.append(f"and {hidden} hidden test(s) failed")
    if record.problems:
        quoted += ["Problems with the submission:", *record.problems]
    block = "\n".join("    " + line for item in quoted for line in item.splitlines() or [""])
    text = summary + ("\n\n" + block if block else "")
    return text if len(text) <= COMMENT_CHARS else text[:COMMENT_CHARS - 1] + "…"


def _submission(gb, *, slug: str, student: str, timestamp: str | None):
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        return gb.find_submission(slug, student)
    except MissingEntry:
        return gb.add_submission(slug, student, **({"timestamp": timestamp} if timestamp else {}))


def write_nbgrader_gradebook(records: Sequence[SubmissionRecord], db: Path, *, slug: str,
                             task_points: Mapping[str, float], due: str,
                             timestamps: Mapping[str, str] | None = None) -> int:
    """Write each record of ``slug`` into ``db``; return how many. ``timestamps``: student ->
    nbgrader's ``timestamp.txt`` text, for submissions nbgrader has not recorded yet."""
    timestamps = timestamps or {}
    written = 0
    with _open(db) as gb:
        _ensure_assignment(gb, slug=slug, task_points=task_points, due=due)
        for record in records:
            if record.assignment != slug:
                continue
            _submission(gb, slug=slug, student=record.student, timestamp=timestamps.get(record.student))
            scores = {task: 0.0 for task in task_points}
            for test in record.tests:
                scores[test.task] = scores.get(test.task, 0.0) + test.score
            for task in task_points:
                grade = gb.find_grade(task, slug, slug, record.student)
                # tests' scores are rounded to 1e-6 each: 7 x 0.142857 must show as 1 point
                grade.auto_score = round(scores[task], TASK_DECIMALS)
                grade.needs_manual_grade = grade.manual_score is not None  # nbgrader's rule: review it
                comment = gb.find_comment(task, slug, slug, record.student)
                comment.auto_comment = task_comment(record, task)
            gb.db.commit()
            written += 1
    return written
