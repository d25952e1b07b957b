"""The misconception report: named mistakes counted once per student and function, from records
alone; a real batch with planted mistakes gives the expected counts."""

import csv
import io
import shutil

import pytest

from grader.grading.batch import grade_batch
from grader.export.misconceptions import (
    NO_DIAGNOSIS,
    course_misconceptions_markdown,
    misconceptions,
    misconceptions_csv,
    misconceptions_markdown,
    write_misconceptions,
)
from grader.records import SubmissionRecord, TestResult
from tests.small_bundle import small_bundle


def _test(task, status="passed", diagnosis="", output="", name=None, visibility="visible"):
    return TestResult(name=name or f"{task}: a test", task=task, score=1.0 if status == "passed" else 0.0,
                      max_score=1.0, status=status, output=output or status, visibility=visibility,
                      diagnosis=diagnosis)


def _record(student, *tests):
    return SubmissionRecord(student=student, assignment="02_backprop", submission_sha256="0" * 64,
                            submission_file="x.ipynb", status="graded", score=sum(t.score for t in tests),
                            max_score=float(len(tests)), tests=tests)


CLASS = [
    _record("ada", _test("linear_forward"), _test("linear_backward")),
    # bob shows "transposed" on two tests of one function: he counts once.
    _record("bob", _test("linear_forward"),
            _test("linear_backward", "failed", "transposed", "dw: transposed (bob's first test)"),
            _test("linear_backward", "failed", "transposed", "dw: transposed again")),
    _record("cyd", _test("linear_forward", "failed", output="wrong values: max abs error 3"),
            _test("linear_backward", "failed", "transposed", "dw: transposed")),
    _record("dee", _test("linear_forward", "error", output="your code raised ValueError: <b>"),
            _test("linear_backward", "not_implemented")),
    _record("eve", _test("linear_forward", "failed", "the bias b is missing"), _test("linear_backward", "missing")),
]


def test_counts_shares_order_and_what_is_not_a_mistake():
    table = misconceptions(CLASS)
    assert table.students == 5 and table.tasks == ("linear_forward", "linear_backward")
    rows = [(m.task, m.name, m.students, m.share) for m in table.mistakes]
    assert rows == [("linear_forward", "the bias b is missing", 1, 0.2),  # ties: by name
                    ("linear_forward", NO_DIAGNOSIS, 1, 0.2),
                    ("linear_forward", "your code raised an exception", 1, 0.2),
                    ("linear_backward", "transposed", 2, 0.4)]
    assert table.not_attempted == {"linear_backward": 2}
    assert [m.name for m in table.most_common_named()] == ["transposed", "the bias b is missing"]
    # Of the three wrong answers (bias, no diagnosis, transposed x2 students), one had no name.
    assert table.undiagnosed_share == pytest.approx(1 / 4)


def test_the_example_is_anonymised_feedback_students_saw():
    table = misconceptions(CLASS)
    transposed = next(m for m in table.mistakes if m.name == "transposed")
    assert transposed.example.output == "dw: transposed ([student]'s first test)"
    text = misconceptions_markdown(table, chart="02_backprop_misconceptions.png")
    for student in ("ada", "bob", "cyd", "dee", "eve"):
        assert student not in text
    assert "1. **linear_backward: transposed** — 2 of 5 students (40%)" in text
    assert "| `linear_backward` | transposed | 2 | 40% |" in text
    assert f"| `linear_forward` | {NO_DIAGNOSIS} | 1 | 20% |" in text
    assert "Not attempted (stub or missing function), students per function: `linear_backward` 2." in text


def test_the_example_is_one_students_could_see_when_there_is_one():
    hidden = _test("linear_backward", "failed", "transposed", "hidden one", visibility="hidden")
    seen = _test("linear_backward", "failed", "transposed", "visible one")
    table = misconceptions([_record("ada", hidden), _record("bob", hidden, seen)])
    assert table.mistakes[0].students == 2 and table.mistakes[0].example.output == "visible one"
    only_hidden = misconceptions([_record("ada", hidden)])
    assert "(a hidden test)" in misconceptions_markdown(only_hidden)


def test_student_text_is_escaped_in_markdown():
    hostile = [_record("ada", _test("linear_forward", "failed", "<script>x</script> | *", "<img src=x>"))]
    text = misconceptions_markdown(misconceptions(hostile))
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;x&lt;/script&gt; \\| \\*" in text


def test_no_wrong_answers_and_one_assignment_only():
    table = misconceptions([_record("ada", _test("linear_forward"))])
    assert table.mistakes == () and "No wrong answers" in misconceptions_markdown(table)
    other = SubmissionRecord(student="bob", assignment="01_activations", submission_sha256="1" * 64,
                             submission_file="x.py", status="graded", score=0.0, max_score=0.0)
    with pytest.raises(ValueError, match="one assignment"):
        misconceptions([CLASS[0], other])


def test_written_files_and_the_course_wide_section(tmp_path):
    table = misconceptions(CLASS)
    report = write_misconceptions(table, tmp_path, title="Backprop")
    assert report == tmp_path / "misconceptions.md"
    assert (tmp_path / "02_backprop_misconceptions.png").read_bytes()[:4] == b"\x89PNG"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "misconceptions.csv").read_text())))
    assert rows[-1] == {"assignment": "02_backprop", "task": "linear_backward", "mistake": "transposed",
                        "students": "2", "share": "0.4", "students_graded": "5"}
    assert misconceptions_csv([table]) == (tmp_path / "misconceptions.csv").read_text()
    course = course_misconceptions_markdown([table], link=lambda slug: f"grades/{slug}/report/misconceptions.md")
    assert "| 02_backprop | `linear_backward` | transposed | 2 of 5 | 40% |" in course
    assert "[misconceptions](grades/02_backprop/report/misconceptions.md)" in course
    assert "| 25% |" in course  # the share of wrong answers without a diagnosis


# A batch with planted mistakes, graded for real: diagnoses come from the suite and diagnose().
SUITE = '''
import numpy as np
import pytest


def leaky(x):
    return np.where(x > 0, x, 0.1 * x)


@pytest.mark.task01_relu_forward
@pytest.mark.parametrize("shape", [(3, 5), (4, 6)])
def test_relu(student, ref, rng, expect, shape):
    x = rng.standard_normal(shape)
    expect(student.relu_forward(x)[0], ref.relu_forward(x)[0], name="out",
           variants={"leaky slope 0.1 (that is leaky_relu)": leaky(x)})


@pytest.mark.task01_tanh_forward
def test_tanh(student, ref, rng, expect):
    x = rng.standard_normal((2, 3))
    expect(student.tanh_forward(x)[0], ref.tanh_forward(x)[0], name="out")
'''

RELU = "def relu_forward(x):\n    return np.maximum(x, 0), x\n"
LEAKY = "def relu_forward(x):\n    return np.where(x > 0, x, 0.1 * x), x\n"
TANH = "def tanh_forward(x):\n    out = np.tanh(x)\n    return out, out\n"
PLANTED = {
    "student-ada": RELU + TANH,
    "student-bo": LEAKY + TANH,
    "student-cy": LEAKY + "def tanh_forward(x):\n    return 2 * np.tanh(x), x\n",
    "student-di": "def relu_forward(x):\n    return np.maximum(x, 0).T, x\n"
                  "def tanh_forward(x):\n    return np.tanh(x) + 0.1 * x ** 2, x\n",
    "student-ed": "def tanh_forward(x):\n    raise ValueError('no <b>tanh</b> today')\n",
    "student-fay": RELU + "def tanh_forward(x):\n    np.tanh(x, out=x)\n    return x, x\n",
}


@pytest.mark.slow
def test_a_batch_with_planted_mistakes_gives_the_expected_counts(tmp_path):
    bundle = small_bundle(tmp_path / "build", SUITE, ("relu_forward", "tanh_forward"))
    folder = tmp_path / "subs"
    folder.mkdir()
    for student, code in PLANTED.items():
        (folder / f"{student}.py").write_text("import numpy as np\n\n" + code)
    out = tmp_path / "grades"
    result = grade_batch(bundle=bundle, paths=[folder], out=out, secret="planted-secret", jobs=2)
    counts = {(m.task, m.name): m.students for m in misconceptions(result.records).mistakes}
    assert counts == {
        ("relu_forward", "leaky slope 0.1 (that is leaky_relu)"): 2,  # bo, cy: two tests each, counted once
        ("relu_forward", "transposed"): 1,                             # di
        ("tanh_forward", "2 times too large"): 1,                      # cy
        ("tanh_forward", "changed its input in place"): 1,             # fay
        ("tanh_forward", "your code raised an exception"): 1,          # ed
        ("tanh_forward", NO_DIAGNOSIS): 1,                             # di
    }
    assert misconceptions(result.records).not_attempted == {"relu_forward": 1}  # ed has no relu_forward
    report = out / "01_activations" / "report"
    text = (report / "misconceptions.md").read_text()
    assert "| `relu_forward` | leaky slope 0.1 (that is leaky_relu) | 2 | 33% |" in text
    assert "student-" not in text and "<b>" not in text
    assert (report / "01_activations_misconceptions.png").exists()
    assert "[misconceptions.md](misconceptions.md)" in (report / "report.md").read_text()
    shutil.rmtree(tmp_path / "build")
