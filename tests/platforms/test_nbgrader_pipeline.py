"""The whole nbgrader course life, with the real nbgrader commands in a temporary course folder
and a temporary exchange: generate, release, fetch, submit (two students, one late), collect,
autograde (without running student code), `course grade --nbgrader-db`, then `nbgrader export`,
formgrader's view of the gradebook, manual grading on top, feedback to the student."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from grader.records import SubmissionRecord
from tests.platforms.conftest import BIN, SLUG, course

pytestmark = pytest.mark.slow
COURSE_ID = "nn-foundations"


def nbgrader(*args: str, cwd: Path, exchange: Path) -> str:
    """``nbgrader ARGS`` in ``cwd``; each person's Jupyter data (nbgrader's submission cache) is
    their own: the folder's ``.jupyter-data``."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "JUPYTER_DATA_DIR": str(cwd / ".jupyter-data")}
    start = time.perf_counter()
    result = subprocess.run([str(BIN / "nbgrader"), *args, f"--Exchange.root={exchange}"], cwd=cwd,
                            capture_output=True, text=True, env=env)
    print(f"nbgrader {args[0]}: {time.perf_counter() - start:.1f} s")
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _answer(fetched: Path, source: Path, tasks: list[str]) -> None:
    """The student's work: the reference solution typed into the cells of ``tasks``."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(source, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(fetched, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in tasks:
            cell.source = "\n".join(line for line in solutions[grade_id].splitlines() if "### " not in line)
    nbformat.write(nb, fetched)


def _tasks_with_points(nb_path: Path) -> dict[str, float]:
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nbformat.read(nb_path, as_version=4).cells if c.metadata.get("nbgrader", {}).get("grade")}


def test_nbgrader_course_end_to_end(built, tmp_path):
    course_dir, exchange, homes = built, tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir()
    nbgrader("generate_assignment", SLUG, "--force", cwd=course_dir, exchange=exchange)
    released = course_dir / "nbgrader_release" / SLUG / f"{SLUG}.ipynb"
    points = _tasks_with_points(released)
    assert len(points) == 22 and sum(points.values()) == 22  # one grade cell per task, worth its points
    nbgrader("release_assignment", SLUG, "--force", cwd=course_dir, exchange=exchange)

    source = course_dir / "source" / SLUG / f"{SLUG}.ipynb"
    work = {"alice": list(points), "bob": list(points)[:6]}  # alice does everything, bob a quarter
    for student, tasks in work.items():
        home = homes / student
        home.mkdir(parents=True)
        nbgrader("fetch_assignment", SLUG, f"--course={COURSE_ID}", cwd=home, exchange=exchange)
        _answer(home / SLUG / f"{SLUG}.ipynb", source, tasks)
    # nbgrader validate sees the tasks bob left as stubs (their grade cells are unchanged); it
    # cannot see a visible check's FAIL line (README, "For instructors", explains)
    validated = nbgrader("validate", f"{SLUG}/{SLUG}.ipynb", cwd=homes / "bob", exchange=exchange)
    assert f"VALIDATION FAILED ON {len(points) - len(work['bob'])} CELL(S)" in validated
    nbgrader("submit", SLUG, f"--course={COURSE_ID}", "--student=alice", cwd=homes / "alice", exchange=exchange)
    time.sleep(1.1)
    # the instructor sets the deadline between the two submissions: bob's is late
    deadline = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    nbgrader("db", "assignment", "add", SLUG, f"--duedate={deadline}", cwd=course_dir, exchange=exchange)
    time.sleep(1.1)
    nbgrader("submit", SLUG, f"--course={COURSE_ID}", "--student=bob", cwd=homes / "bob", exchange=exchange)
    nbgrader("collect", SLUG, cwd=course_dir, exchange=exchange)
    assert sorted(p.name for p in (course_dir / "submitted").iterdir()) == ["alice", "bob"]
    # nbgrader's autograde without executing anything: sanitized copies and submission records only
    nbgrader("autograde", SLUG, "--Execute.enabled=False", cwd=course_dir, exchange=exchange)

    # `course grade` from the nbgrader course folder (course.toml found through .nnf-course)
    start = time.perf_counter()
    graded = course("grade", SLUG, "submitted", "--nbgrader-db", "gradebook.db", "--out", str(tmp_path / "grades"),
                    "--jobs", "2", cwd=course_dir)
    seconds = time.perf_counter() - start
    assert "2 submission(s) written" in " ".join(graded.stdout.split()), graded.stdout
    records = {s: SubmissionRecord.from_json((tmp_path / "grades" / SLUG / s / "record.json").read_text())
               for s in work}
    assert records["alice"].score == 22 and 0 < records["bob"].score < 22

    exported = course_dir / "grades.csv"
    nbgrader("export", f"--to={exported}", cwd=course_dir, exchange=exchange)
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(exported.read_text()))}
    for student, record in records.items():
        row = rows[student]
        assert float(row["raw_score"]) == pytest.approx(record.score, abs=1e-6), row
        assert float(row["score"]) == pytest.approx(record.score, abs=1e-6)  # no late penalty configured
        assert float(row["max_score"]) == record.max_score == 22
    assert rows["alice"]["timestamp"] < rows["alice"]["duedate"] < rows["bob"]["timestamp"]  # bob was late

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        # what formgrader's "Manage Submissions" page lists (its API reads these dicts)
        listed = {d["student"]: d for d in gb.submission_dicts(SLUG)}
        assert {s: (d["score"], d["max_score"], d["needs_manual_grade"]) for s, d in listed.items()} == {
            s: (pytest.approx(r.score), 22, False) for s, r in records.items()}
        # each task's points and our diagnosis, where formgrader shows a cell's grade and comment
        failing_task = next(t.task for t in records["bob"].tests if t.status != "passed")
        grade = gb.find_grade(failing_task, SLUG, SLUG, "bob")
        comment = gb.find_comment(failing_task, SLUG, SLUG, "bob")
        assert grade.auto_score == 0 and grade.max_score == points[failing_task]
        assert "tests passed" in comment.auto_comment and "not implemented" in comment.auto_comment.lower()
        comment_text = comment.auto_comment
        # manual grading on top: a grader overrides one task and comments
        grade.manual_score = 0.5
        comment.manual_comment = "Close: see the derivative at 0."
        gb.db.commit()
    # a regrade keeps the manual score and comment; the task is flagged for review again
    course("grade", SLUG, "submitted", "--nbgrader-db", "gradebook.db", "--force", "--out", str(tmp_path / "grades"),
           "--jobs", "2", cwd=course_dir)
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        grade = gb.find_grade(failing_task, SLUG, SLUG, "bob")
        assert grade.manual_score == 0.5 and grade.score == 0.5 and grade.needs_manual_grade
        assert gb.find_comment(failing_task, SLUG, SLUG, "bob").manual_comment == "Close: see the derivative at 0."
        assert gb.find_submission(SLUG, "bob").score == pytest.approx(records["bob"].score + 0.5)

    # feedback reaches the student through nbgrader's own generate/release/fetch_feedback
    nbgrader("generate_feedback", SLUG, "--force", cwd=course_dir, exchange=exchange)
    html = (course_dir / "feedback" / "alice" / SLUG / f"{SLUG}.html").read_text()
    assert "Score: 22.0 / 22.0" in html.replace("&nbsp;", " ") or "22.0 / 22.0" in html
    nbgrader("release_feedback", SLUG, cwd=course_dir, exchange=exchange)
    nbgrader("fetch_feedback", SLUG, f"--course={COURSE_ID}", "--student=bob", cwd=homes / "bob", exchange=exchange)
    [fetched] = (homes / "bob" / SLUG / "feedback").glob(f"*/{SLUG}.html")
    bob_html = fetched.read_text()
    assert "Close: see the derivative at 0." in bob_html and "tests passed" in bob_html
    # what an instructor sees (pytest -s shows it)
    print(f"course grade --nbgrader-db: {seconds:.1f} s for 2 submissions")
    print(exported.read_text())
    print("formgrader:", {s: (d["score"], d["max_score"], d["needs_manual_grade"]) for s, d in listed.items()})
    print(f"bob, {failing_task}:", comment_text)
