"""`course grade` end to end on the real 01_activations build, with a small hidden suite."""

import json
import shutil

import pytest

from grader.grading.batch import grade_batch
from tests.small_bundle import small_bundle


SUITE = '''
import numpy as np
import pytest


@pytest.mark.task01_relu_forward
def test_relu(student, ref, rng, expect):
    x = rng.standard_normal((3, 5))
    expect(student.relu_forward(x)[0], ref.relu_forward(x)[0])


@pytest.mark.task01_relu_backward
def test_relu_backward(student, ref, rng, expect):
    x = rng.standard_normal((3, 5))
    dout = rng.standard_normal((3, 5))
    _, cache = student.relu_forward(x)
    expect(student.relu_backward(dout, cache), ref.relu_backward(dout, ref.relu_forward(x)[1]), kind="gradients")
'''

WRONG_RELU_BACKWARD = '''
import numpy as np

def relu_forward(x):
    return np.maximum(x, 0), x

def relu_backward(dout, cache):
    return -dout * (cache > 0)
'''


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    return small_bundle(out, SUITE, ("relu_forward", "relu_backward")), out


@pytest.fixture
def submissions(bundle, tmp_path):
    _, out = bundle
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(out / "source" / "01_activations" / "01_activations.ipynb", folder / "ada.ipynb")
    shutil.copy(out / "release" / "01_activations" / "01_activations.ipynb", folder / "bob.ipynb")
    (folder / "cy.py").write_text(WRONG_RELU_BACKWARD)
    (folder / "di.ipynb").write_bytes(b"\xff\xfe not a notebook")
    return folder


def _scores(result):
    return {r.student: (r.score, r.status) for r in result.records}


@pytest.mark.slow
def test_grade_batch_scores_outputs_and_reruns(bundle, submissions, tmp_path):
    assignment, _ = bundle
    out = tmp_path / "grades"
    first = grade_batch(bundle=assignment, paths=[submissions], out=out, secret="s", jobs=2)
    points = {t: assignment.task_points[t] for t in ("relu_forward", "relu_backward")}
    full = sum(points.values())
    assert _scores(first) == {"ada": (full, "graded"), "bob": (0.0, "graded"),
                              "cy": (points["relu_forward"], "graded"), "di": (0.0, "unreadable")}
    cy = next(r for r in first.records if r.student == "cy")
    assert "wrong sign" in next(t.output for t in cy.tests if t.task == "relu_backward")
    di = next(r for r in first.records if r.student == "di")
    assert di.problems and all(t.status == "missing" for t in di.tests)
    for student in ("ada", "bob", "cy", "di"):
        results = json.loads((out / "01_activations" / student / "results.json").read_text())
        assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(assignment.max_score)  # Gradescope's total
        assert (out / "01_activations" / student / "feedback.html").exists()
    assert (out / "01_activations" / "gradebook.csv").read_text().startswith("student,assignment,score")
    assert (out / "01_activations" / "report" / "report.md").exists()

    again = grade_batch(bundle=assignment, paths=[submissions], out=out, secret="s", jobs=1)
    assert sorted(again.skipped) == ["ada", "bob", "cy", "di"] and again.graded == []
    forced = grade_batch(bundle=assignment, paths=[submissions], out=out, secret="s", jobs=1, force=True)
    assert sorted(forced.graded) == ["ada", "bob", "cy", "di"]
    assert [r.to_json() for r in forced.records] == [r.to_json() for r in first.records]


MUTATING_RELU = '''
import numpy as np

def relu_forward(x):
    x[x < 0] = 0
    return x, x.copy()

def relu_backward(dout, cache):
    return dout * (cache > 0)
'''


@pytest.mark.slow
def test_changing_an_input_in_place_costs_that_function_only(bundle, tmp_path):
    assignment, _ = bundle
    (tmp_path / "ed.py").write_text(MUTATING_RELU)
    result = grade_batch(bundle=assignment, paths=[tmp_path / "ed.py"], out=tmp_path / "out", secret="s", jobs=1)
    tests = {t.task: t for t in result.records[0].tests}
    assert tests["relu_forward"].status == "failed"
    assert "changed its input (argument 1) in place" in tests["relu_forward"].output
    assert tests["relu_backward"].status == "passed"
