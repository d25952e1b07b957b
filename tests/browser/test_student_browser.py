"""The student experience in a real browser: JupyterLab 4 on a copy of 01_activations' release,
driven through Debian's Chromium by Playwright's Python API.

Run All (the environment cell passes, stubs say NOT IMPLEMENTED YET, no error output); type a
correct sigmoid_forward into its stub through the editor and run again (PASS in its check and in
the progress table); try to edit and to delete a locked check cell (both refused); save; and
``course grade`` on the saved file gives sigmoid_forward its full points. Every step leaves a
screenshot in the folder a failure names.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.build.pipeline import build_course
from grader.config import load_course
from tests.browser.browser import SLUG, Student, chromium_page, skip_reason
from tests.browser.jupyter_lab import jupyter_lab

ROOT = Path(__file__).parents[2]
SIGMOID = '''def sigmoid_forward(x):
    """Logistic sigmoid, stable for large |x|."""
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out'''

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(skip_reason()), reason=skip_reason() or "-")]


@pytest.fixture
def release(tmp_path) -> Path:
    """A temporary copy of the release folder of 01_activations, as a student downloads it."""
    course = load_course(ROOT / "course.toml", environ={})
    build_course(course, slugs=(SLUG,), out=tmp_path / "build")
    shutil.copytree(tmp_path / "build" / "release" / SLUG, tmp_path / "student" / SLUG)
    return tmp_path / "student" / SLUG


def _grade(notebook: Path, out: Path) -> dict:
    """``course grade`` on the saved notebook: task -> (score, max score)."""
    submitted = out / "submitted" / "student.ipynb"
    submitted.parent.mkdir(parents=True)
    shutil.copy(notebook, submitted)
    result = subprocess.run([str(Path(sys.executable).parent / "course"), "grade", SLUG, str(submitted.parent),
                             "--out", str(out / "grades"), "--jobs", "1", "--config", str(ROOT / "course.toml")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    record = json.loads((out / "grades" / SLUG / "student" / "record.json").read_text())
    totals: dict[str, list[float]] = {}
    for test in record["tests"]:
        score = totals.setdefault(test["task"], [0.0, 0.0])
        score[0] += test["score"]
        score[1] += test["max_score"]
    return {task: tuple(score) for task, score in totals.items()}


def test_a_student_runs_implements_saves_and_is_graded(release, tmp_path):
    shots = tmp_path / "screenshots"
    with jupyter_lab(release.parent, tmp_path / "lab") as lab, chromium_page(shots) as page:
        student = Student(page, lab, shots)
        try:
            student.open(f"{SLUG}/{SLUG}.ipynb")
            student.run_all()
            assert student.output(student.index_of("_nnf_check_environment")).startswith("Environment OK: ")
            assert student.error_outputs() == []
            check = student.index_of('check_outputs("sigmoid_forward"')
            assert student.output(check).strip() == "NOT IMPLEMENTED YET sigmoid_forward"
            assert "sigmoid_forward           1  NOT IMPLEMENTED" in student.progress()
            student.shot("00-header-and-environment-check", 0)
            student.shot("01-run-all-untouched", student.index_of("## 1. Sigmoid"))

            stub = student.index_of("def sigmoid_forward")
            student.replace_source(stub, SIGMOID)
            student.shot("02-typed-sigmoid", stub)
            student.run_all()
            assert student.source(stub) == SIGMOID
            assert student.output(check).startswith("PASS sigmoid_forward: out matches the expected values")
            assert student.error_outputs() == []
            progress = student.progress()
            assert "sigmoid_forward           1  PASS" in progress
            assert "Visible checks pass for 1 of 22 tasks (1 of 22 points)." in progress
            student.shot("03-check-passes", check)
            student.shot("04-progress-table", student.index_of("show_progress("))

            locked = student.source(check)
            count = student.cell_count()
            student.try_to_type(check, "x = 1  # a student's edit")
            assert student.source(check) == locked, "a locked cell took an edit"
            student.shot("05-locked-cell-refused-edit", check)
            student.try_to_delete(check)
            assert student.cell_count() == count and student.source(check) == locked, "a locked cell was deleted"
            student.shot("06-locked-cell-refused-delete", check)
            student.try_to_delete(stub)
            assert student.cell_count() == count and student.source(stub) == SIGMOID, "a solution cell was deleted"

            student.save()
            student.shot("07-saved", stub)
        except Exception as error:
            raise AssertionError(f"{error} (screenshots of each step: {shots})") from error

    scores = _grade(release / f"{SLUG}.ipynb", tmp_path / "grading")
    points = load_course(ROOT / "course.toml", environ={}).assignment(SLUG).points["sigmoid_forward"]
    assert scores["sigmoid_forward"] == pytest.approx((points, points), abs=1e-4), f"{scores} (screenshots: {shots})"
    assert scores["sigmoid_backward"][0] == 0.0
