import dataclasses

import pytest

from grader.grading.gradebook import Gradebook
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


def test_a_regrade_keeps_the_record_it_replaced(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.put(_record("ada", "a1", 3.0))
        book.put(_record("ada", "a1", 4.0))
        book.put(_record("ada", "a2", 6.0))  # a new submission replaces nothing
        assert [r.score for r in book.superseded("02_backprop")] == [3.0]
        assert book.superseded("01_activations") == []


def test_read_only_never_changes_the_file(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path) as book:
        book.put(_record("ada", "a1", 3.0))
    before = path.read_bytes()
    with Gradebook(path, read_only=True) as book:
        assert book.records()[0].score == 3.0
        with pytest.raises(PermissionError):
            book.put(_record("bob", "b1", 1.0))
    assert path.read_bytes() == before
    with pytest.raises(FileNotFoundError):
        Gradebook(tmp_path / "none.sqlite", read_only=True)
    assert not (tmp_path / "none.sqlite").exists()
