"""Grade-book exports: final scores rounded for people, in the columns each LMS's import expects."""

import csv
import dataclasses
import io

import pytest

from grader.export.csv_gradebook import gradebook_csv
from grader.export.numbers import points
from grader.lifecycle.lms_export import ExportError, export_grades
from grader.lifecycle.roster import read_roster
from grader.records import SubmissionRecord, TestResult
from tests.lifecycle.helpers import write_roster


def record(student, score, late=None):
    tests = (TestResult(name="t1", task="sigmoid_forward", score=score / 3 * 2, max_score=2.0, status="failed"),
             TestResult(name="t2", task="relu_forward", score=score / 3, max_score=1.0, status="failed"))
    return SubmissionRecord(student=student, assignment="01_activations", submission_sha256="0" * 64,
                            submission_file="a.ipynb", status="graded", score=score, max_score=3.0, tests=tests,
                            extra={"late": late} if late else {})


RECORDS = [record("ada", 2.9999996),
           record("grace", 2.1, late={"status": "late", "raw_score": 3.0, "final_score": 2.1, "hours_late": 25.5,
                                      "penalty_percent": 30.0}),
           record("=cmd()", 1.0)]


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_points_for_people():
    assert [points(v) for v in (0.999999, 2.9999996, 7.25, 1e-9, 10.0, 0.125)] == ["1", "3", "7.25", "0", "10", "0.12"]


def test_canvas_columns_and_final_scores(tmp_path):
    roster = read_roster(write_roster(tmp_path, "student_id,name,canvas_id,sis_user_id,sis_login_id,section\n"
                                                "ada,Ada Lovelace,123,S001,ada,A\ngrace,\"Hopper, Grace\",456,S002,grace,A\n"
                                                "alan,Alan Turing,789,S003,alan,B\n"))
    result = export_grades(RECORDS, roster=roster, fmt="canvas", column="Activations (4242)", max_score=3.0)
    assert rows(result.text) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Activations (4242)"],
        ["    Points Possible", "", "", "", "", "3"],
        ["Ada Lovelace", "123", "S001", "ada", "A", "3"],
        ["Hopper, Grace", "456", "S002", "grace", "A", "2.1"],   # the final score, after the late penalty
        ["Alan Turing", "789", "S003", "alan", "B", ""],          # no grade: blank leaves Canvas's as it is
    ]
    assert result.rows == 2 and result.ungraded == ["alan"] and result.not_on_roster == ["=cmd()"]


def test_moodle_uses_the_identifiers_the_roster_has(tmp_path):
    roster = read_roster(write_roster(tmp_path))
    result = export_grades(RECORDS, roster=roster, fmt="moodle", column="Activations", max_score=3.0)
    assert rows(result.text)[:3] == [["Email address", "Activations"], ["ada@uni.example", "3"],
                                     ["grace@uni.example", "2.1"]]


def test_plain_csv_carries_raw_final_and_lateness_and_no_formulas():
    table = rows(export_grades(RECORDS, roster=None, fmt="csv", column="", max_score=3.0).text)
    assert table[0] == ["student_id", "score", "max_score", "raw_score", "late", "hours_late", "penalty_percent", "status"]
    assert table[1] == ["'=cmd()", "1", "3", "1", "unknown", "0", "0", "graded"]
    assert table[3] == ["grace", "2.1", "3", "3", "late", "25.5", "30", "graded"]


def test_gradebook_csv_has_no_float_noise():
    table = rows(gradebook_csv(RECORDS))
    assert table[0][-2:] == ["sigmoid_forward", "relu_forward"]
    assert table[2][2] == "3" and table[2][-2:] == ["2", "1"]  # ada: not 2.9999996, 1.999999...


def test_errors(tmp_path):
    with pytest.raises(ExportError, match="choose one of csv, canvas, moodle"):
        export_grades(RECORDS, roster=None, fmt="blackboard", column="x", max_score=3.0)
    with pytest.raises(ExportError, match="needs --roster"):
        export_grades(RECORDS, roster=None, fmt="canvas", column="x", max_score=3.0)
    roster = read_roster(write_roster(tmp_path))  # grace has no canvas_id
    with pytest.raises(ExportError, match="no canvas_id for grace"):
        export_grades(RECORDS, roster=roster, fmt="canvas", column="x", max_score=3.0)


def test_a_grader_error_is_not_exported_as_a_zero(tmp_path):
    roster = read_roster(write_roster(tmp_path))
    broken = dataclasses.replace(record("alan", 0.0), status="grader_error")
    result = export_grades([*RECORDS, broken], roster=roster, fmt="moodle", column="A", max_score=3.0)
    assert rows(result.text)[3] == ["alan@uni.example", ""] and result.grader_errors == ["alan"]
    assert result.rows == 2
