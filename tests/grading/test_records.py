from grader.records import SubmissionRecord, TestResult


def _record(score=1.0 / 3):
    return SubmissionRecord(
        student="ada", assignment="01_activations", submission_sha256="ab" * 32,
        submission_file="01_activations.ipynb", status="graded", score=score, max_score=2.0,
        tests=(TestResult(name="sigmoid_forward: values", task="sigmoid_forward", score=score,
                          max_score=1.0, status="passed", output="ok"),),
        problems=("cell 3 raised NameError",),
    )


def test_json_round_trip():
    record = _record()
    again = SubmissionRecord.from_json(record.to_json())
    assert again.tests[0].task == "sigmoid_forward"
    assert again.problems == ("cell 3 raised NameError",)
    assert again.to_json() == record.to_json()


def test_json_is_deterministic_and_rounded():
    text = _record().to_json()
    assert text == _record().to_json()
    assert '"score": 0.333333' in text
    assert text.index('"assignment"') < text.index('"student"')
