import dataclasses

from grader.gradebook import Gradebook
from grader.records import SubmissionRecord


def _record(student, sha, score):
    return SubmissionRecord(student=student, assignment="02_backprop", submission_sha256=sha,
                            submission_file="x.ipynb", status="graded", score=score, max_score=10.0)


def test_put_get_and_latest(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.put(_record("ada", "a1", 3.0))
        book.put(_record("ada", "a2", 7.0))
        book.put(_record("bob", "b1", 5.0))
        assert book.get("ada", "02_backprop", "a1").score == 3.0
        assert book.get("ada", "02_backprop", "zz") is None
    with Gradebook(path) as book:
        latest = book.records()
        assert [(r.student, r.score) for r in latest] == [("ada", 7.0), ("bob", 5.0)]
        assert book.count() == 3


def test_regrade_replaces_not_duplicates(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.put(_record("ada", "a1", 3.0))
        book.put(dataclasses.replace(_record("ada", "a1", 3.0), score=4.0))
        assert book.count() == 1
        assert book.records()[0].score == 4.0
