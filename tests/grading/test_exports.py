import csv
import io
import json

from grader.export.csv_gradebook import gradebook_csv
from grader.export.feedback import feedback_html, feedback_markdown
from grader.export.gradescope import gradescope_results
from grader.export.report import pass_rates, task_pass_rates, write_report
from grader.records import SubmissionRecord, TestResult


def _record(student, scores, problems=()):
    tests = tuple(
        TestResult(name=f"{task}: values", task=task, score=s, max_score=1.0,
                   status="passed" if s else "failed", output="ok" if s else "dx: wrong sign <b>",
                   visibility="hidden" if task == "secret_task" else "visible")
        for task, s in scores.items())
    return SubmissionRecord(student=student, assignment="01_activations", submission_sha256="0" * 64,
                            submission_file=f"{student}.ipynb", status="graded",
                            score=sum(scores.values()), max_score=float(len(scores)), tests=tests,
                            problems=tuple(problems))


def test_gradescope_schema():
    data = gradescope_results(_record("ada", {"relu_forward": 1.0, "relu_backward": 0.0}))
    assert data["score"] == 1.0 and "max_score" not in data  # not a top-level field in Gradescope's format
    assert sum(t["max_score"] for t in data["tests"]) == 2.0
    assert [t["status"] for t in data["tests"]] == ["passed", "failed"]
    assert set(data["tests"][0]) >= {"name", "score", "max_score", "output", "visibility", "status"}
    json.dumps(data)


def test_csv_has_per_task_columns():
    text = gradebook_csv([_record("bob", {"relu_forward": 0.0}), _record("ada", {"relu_forward": 1.0})])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["student"] for r in rows] == ["ada", "bob"]
    assert rows[0]["relu_forward"] == "1" and rows[1]["relu_forward"] == "0"


def test_feedback_escapes_and_hides_hidden_tests():
    record = _record("ada", {"relu_forward": 0.0, "secret_task": 0.0}, problems=["cell 2 raised NameError"])
    md = feedback_markdown(record)
    assert "relu_forward: values" in md and "secret_task: values" not in md and "1 further test" in md
    assert "| ⬜ | `relu_forward` | 0 / 1 | 0 of 1 |" in md and "## What to fix" in md
    assert "cell 2 raised NameError" in md
    page = feedback_html(record)
    assert "&lt;b&gt;" in page and "<b>" not in page.split("<body>")[1].replace("<b>Student:</b>", "").replace("<b>Score:</b>", "")


def test_report_writes_plots(tmp_path):
    records = [_record("ada", {"relu_forward": 1.0}), _record("bob", {"relu_forward": 0.0})]
    assert pass_rates(records) == {"relu_forward: values": 0.5}
    assert task_pass_rates(records) == {"relu_forward": 0.5}
    report = write_report(records, tmp_path, title="NNF")
    text = report.read_text()
    assert "| ada | 1 / 1 | graded |" in text and "mean score 0.50" in text
    for png in ("01_activations_histogram.png", "01_activations_pass_rates.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _markdown_text_by_characters(text: str) -> str:
    """markdown_text as it was first written, one character at a time: the specification the
    regular expression must meet."""
    import html as html_module

    out = []
    for i, char in enumerate(text):
        if char in "&<>":
            out.append(html_module.escape(char))
        elif char == "_":
            inside = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
            out.append("_" if inside else "\\_")
        elif char in "\\`*[]|~":
            out.append("\\" + char)
        elif char == "\n":
            out.append("<br>")
        else:
            out.append(char)
    return "".join(out)


def test_markdown_text_escapes_as_the_character_by_character_rule():
    import random

    from grader.export.escape import markdown_text

    alphabet = "ab_Z9 _&<>\\`*[]|~\n\t-é٣²ß_😀.#!"
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        assert markdown_text(text) == _markdown_text_by_characters(text), repr(text)
