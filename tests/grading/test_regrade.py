"""The regrade diff: from records before and after, and end to end: a hidden test's tolerance
changed in a temporary copy of the course, `course grade --dry-run` then `--force`."""

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.grading.gradebook import Gradebook, GradebookError
from grader.records import SubmissionRecord, TestResult
from grader.grading.regrade import ABSENT, DryRunGradebook, regrade_csv, regrade_diff, regrade_markdown

ROOT = Path(__file__).resolve().parents[2]


def _test(name, task, score, status=None, output="", max_score=1.0):
    return TestResult(name=name, task=task, score=score, max_score=max_score,
                      status=status or ("passed" if score else "failed"), output=output or "o")


def _record(student, *tests, sha="a" * 64):
    return SubmissionRecord(student=student, assignment="01_activations", submission_sha256=sha,
                            submission_file="x.py", status="graded", score=sum(t.score for t in tests),
                            max_score=sum(t.max_score for t in tests), tests=tests)


BEFORE = {
    "ada": _record("ada", _test("tanh: values", "tanh_forward", 0.0), _test("relu: values", "relu_forward", 1.0)),
    "bob": _record("bob", _test("tanh: values", "tanh_forward", 1.0), _test("relu: values", "relu_forward", 1.0)),
    "cyd": _record("cyd", _test("tanh: values", "tanh_forward", 1.0), _test("relu: values", "relu_forward", 0.0)),
    "dee": _record("dee", _test("tanh: values", "tanh_forward", 0.0, output="x2")),
}
AFTER = [
    _record("ada", _test("tanh: values", "tanh_forward", 1.0), _test("relu: values", "relu_forward", 1.0)),  # up
    _record("bob", _test("tanh: values", "tanh_forward", 0.0), _test("relu: values", "relu_forward", 1.0)),  # down
    _record("cyd", _test("tanh: values", "tanh_forward", 1.0), _test("relu: values", "relu_forward", 0.0)),  # same
    _record("dee", _test("tanh: values", "tanh_forward", 0.0, output="x3"),  # feedback only...
            _test("tanh: new test", "tanh_forward", 0.0)),                   # ...and a new test worth 0
    _record("eve", _test("tanh: values", "tanh_forward", 1.0)),  # new student: nothing to compare
]


def test_who_changed_by_how_much_and_which_tests():
    diff = regrade_diff(previous=BEFORE, current=AFTER)
    assert diff.summary == "2 scores changed (1 up, 1 down)"
    assert diff.compared == ("ada", "bob", "cyd", "dee")
    assert [(c.student, c.old_score, c.new_score) for c in diff.changes] == [("ada", 1.0, 2.0), ("bob", 2.0, 1.0)]
    ada = diff.changes[0]
    assert [(t.test, t.old_status, t.new_status) for t in ada.tests] == [("tanh: values", "failed", "passed")]
    assert ada.tasks == {"tanh_forward": (0.0, 1.0)}
    assert ada.same_submission
    assert diff.feedback_only == ("dee",)


def test_added_and_removed_tests_and_a_new_submission():
    before = {"ada": _record("ada", _test("old test", "tanh_forward", 1.0))}
    after = [_record("ada", _test("new test", "tanh_forward", 0.5, status="passed"), sha="b" * 64)]
    change, = regrade_diff(previous=before, current=after).changes
    assert not change.same_submission
    assert [(t.test, t.old_status, t.new_status, t.old_score, t.new_score) for t in change.tests] == [
        ("new test", ABSENT, "passed", 0.0, 0.5), ("old test", "passed", ABSENT, 1.0, 0.0)]


def test_points_moved_between_tests_with_the_same_total():
    before = {"ada": _record("ada", _test("t1", "tanh_forward", 1.0), _test("t2", "relu_forward", 0.0))}
    after = [_record("ada", _test("t1", "tanh_forward", 0.0), _test("t2", "relu_forward", 1.0))]
    diff = regrade_diff(previous=before, current=after)
    assert diff.summary == "0 scores changed (0 up, 0 down); 1 more with points moved between tests, same total"


def test_markdown_and_csv():
    diff = regrade_diff(previous=BEFORE, current=AFTER, dry_run=True)
    text = regrade_markdown(diff)
    assert "**2 scores changed (1 up, 1 down)** among 4 students" in text and "Dry run: nothing was written" in text
    assert "| ada | 1 | 2 / 2 | +1 | same |" in text
    assert "| bob | `tanh_forward` | 1 | 0 | tanh: values (passed → failed) |" in text
    assert "| tanh: values | `tanh_forward` | 1 | 1 |" in text
    rows = list(csv.DictReader(io.StringIO(regrade_csv(diff))))
    assert [(r["student"], r["test"], r["old_score"], r["new_score"], r["student_new_total"]) for r in rows] == [
        ("ada", "tanh: values", "0", "1", "2"), ("bob", "tanh: values", "1", "0", "1")]


def test_student_ids_are_escaped():
    before = {"<b>x|y</b>": _record("<b>x|y</b>", _test("t", "tanh_forward", 0.0))}
    text = regrade_markdown(regrade_diff(previous=before, current=[_record("<b>x|y</b>", _test("t", "tanh_forward", 1.0))]))
    assert "<b>" not in text and "&lt;b&gt;x\\|y&lt;/b&gt;" in text


def test_the_dry_run_gradebook_keeps_puts_in_memory(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path) as book:
        book.put(BEFORE["ada"])
        book.put(BEFORE["bob"])
    before = path.read_bytes()
    with DryRunGradebook(path) as book:
        book.put(AFTER[0])
        assert [r.score for r in book.records("01_activations")] == [2.0, 2.0]
        assert book.get("ada", "01_activations", "a" * 64).score == 2.0
    assert path.read_bytes() == before
    with pytest.raises(GradebookError, match="does not exist yet"):
        DryRunGradebook(tmp_path / "missing.sqlite")


# End to end: a copy of the course with 01_activations only and a small hidden suite whose tanh
# test compares "values" and whose relu_backward test compares "gradients".
SUITE = '''
import numpy as np
import pytest


@pytest.mark.task01_tanh_forward
def test_tanh(student, ref, rng, expect):
    x = rng.standard_normal((3, 4))
    expect(student.tanh_forward(x)[0], ref.tanh_forward(x)[0], name="out")


@pytest.mark.task01_relu_backward
def test_relu_backward(student, ref, rng, expect):
    x = rng.standard_normal((3, 4)) + 0.5
    dout = rng.standard_normal((3, 4))
    expect(student.relu_backward(dout, x), ref.relu_backward(dout, ref.relu_forward(x)[1]), name="dx",
           kind="gradients")
'''

STUDENTS = {
    "exact": "def tanh_forward(x):\n    return np.tanh(x), None\n"
             "def relu_backward(dout, cache):\n    return dout * (cache > 0)\n",
    # tanh off by 1e-4 relative: fails rtol 1e-6, passes rtol 1e-3 -> up when "values" is loosened
    "near-tanh": "def tanh_forward(x):\n    return np.tanh(x) * (1 + 1e-4), None\n"
                 "def relu_backward(dout, cache):\n    return dout * (cache > 0)\n",
    # dx off by 1e-9 relative: passes rtol 1e-5, fails rtol 1e-12 -> down when "gradients" is tightened
    "near-relu": "def tanh_forward(x):\n    return np.tanh(x), None\n"
                 "def relu_backward(dout, cache):\n    return dout * (cache > 0) * (1 + 1e-9)\n",
}


def _course_copy(folder: Path) -> Path:
    """course.toml with its first assignment only, that assignment's folder, the small suite."""
    text = (ROOT / "course.toml").read_text()
    first, second = (text.index("[[assignments]]"), text.index("[[assignments]]", text.index("[[assignments]]") + 1))
    (folder / "course.toml").write_text(text[:second])
    assert 'slug = "01_activations"' in text[first:second]
    shutil.copytree(ROOT / "assignments" / "01_activations", folder / "assignments" / "01_activations",
                    ignore=shutil.ignore_patterns("tests", "__pycache__"))
    (folder / "assignments" / "01_activations" / "tests").mkdir()
    (folder / "assignments" / "01_activations" / "tests" / "test_small.py").write_text(SUITE)
    return folder / "course.toml"


def _change_tolerances(course: Path) -> None:
    text = course.read_text()
    for old, new in (("values = { rtol = 1e-6, atol = 1e-8 }", "values = { rtol = 1e-3, atol = 1e-8 }"),
                     ("gradients = { rtol = 1e-5, atol = 1e-7 }", "gradients = { rtol = 1e-12, atol = 1e-15 }")):
        assert old in text
        text = text.replace(old, new)
    course.write_text(text)


def _grade(course: Path, *options: str):
    result = CliRunner().invoke(app, ["grade", "01_activations", "subs", "--out", "grades", "--jobs", "2",
                                      "--config", str(course), *options])
    assert result.exit_code == 0, result.output
    return result.output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(("regrade.", "gradebook.sqlite-"))}


@pytest.mark.slow
def test_a_changed_tolerance_regraded_dry_then_for_real(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NNF_COURSE_SECRET", raising=False)
    course = _course_copy(tmp_path)
    (tmp_path / "subs").mkdir()
    for student, code in STUDENTS.items():
        (tmp_path / "subs" / f"{student}.py").write_text("import numpy as np\n\n" + code)
    refused = CliRunner().invoke(app, ["grade", "01_activations", "subs", "--out", "grades", "--dry-run",
                                       "--config", str(course)])
    message = " ".join(refused.output.split())  # rich wraps a long line
    assert refused.exit_code == 2 and "does not exist yet" in message and "Traceback" not in message
    _grade(course)
    out = tmp_path / "grades"
    assert not (out / "01_activations" / "regrade.md").exists()  # first grading: nothing to compare
    before = _snapshot(out)
    _change_tolerances(course)

    printed = _grade(course, "--dry-run")
    assert "regrade: 2 scores changed (1 up, 1 down)" in printed and "dry run" in printed
    assert _snapshot(out) == before  # the gradebook byte for byte, and every record and export
    text = (out / "01_activations" / "regrade.md").read_text()
    assert "**2 scores changed (1 up, 1 down)** among 3 students" in text
    # One point per function (course.toml), so each total moves by exactly one point.
    assert "| near-relu | 2 | 1 / 22 | -1 | same |" in text and "| near-tanh | 1 | 2 / 22 | +1 | same |" in text
    assert "| near-tanh | `tanh_forward` | 0 | 1 | tanh_forward: tanh (failed → passed) |" in text
    assert "| near-relu | `relu_backward` | 1 | 0 | relu_backward: relu backward (passed → failed) |" in text
    rows = list(csv.DictReader(io.StringIO((out / "01_activations" / "regrade.csv").read_text())))
    assert {(r["student"], r["task"], r["old_status"], r["new_status"]) for r in rows} == {
        ("near-tanh", "tanh_forward", "failed", "passed"), ("near-relu", "relu_backward", "passed", "failed")}

    printed = _grade(course, "--force")
    assert "regrade: 2 scores changed (1 up, 1 down)" in printed
    with Gradebook(out / "gradebook.sqlite") as book:
        scores = {r.student: r.score for r in book.records("01_activations")}
        kept = {r.student: r.score for r in book.superseded("01_activations")}
    assert scores == {"exact": 2.0, "near-tanh": 2.0, "near-relu": 1.0}
    assert kept == {"exact": 2.0, "near-tanh": 1.0, "near-relu": 2.0}  # the grades it replaced
    record = SubmissionRecord.from_json((out / "01_activations" / "near-relu" / "record.json").read_text())
    assert record.score == 1.0  # the exports follow the gradebook
    assert os.path.exists(out / "01_activations" / "report" / "misconceptions.md")
