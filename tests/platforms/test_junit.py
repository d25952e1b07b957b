"""JUnit XML: one testcase per hidden test, task and points as properties, our feedback as the
failure, student text XML-safe; checked with a real XML parser, as CI reads it."""

from __future__ import annotations

from xml.etree import ElementTree

from grader.export.junit import junit_xml, xml_safe
from grader.records import SubmissionRecord, TestResult

HOSTILE = "got \x00\x1b[31mred\x1b[0m <script>alert(1)</script> & \"quotes\" \ud800 ok"


def _record(student: str, tests: list[TestResult], problems=()) -> SubmissionRecord:
    return SubmissionRecord(student=student, assignment="01_activations", submission_sha256="a" * 64,
                            submission_file=f"{student}.ipynb", status="graded",
                            score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests),
                            tests=tuple(tests), problems=tuple(problems))


def _tests() -> list[TestResult]:
    return [
        TestResult(name="relu_forward: values", task="relu_forward", score=0.5, max_score=0.5, status="passed"),
        TestResult(name="relu_backward: dx", task="relu_backward", score=0.0, max_score=1.5, status="failed",
                   output=f"dx: wrong sign\n{HOSTILE}"),
        TestResult(name="relu_backward: shape", task="relu_backward", score=0.0, max_score=0.5,
                   status="grader_error", output="the hidden test raised KeyError"),
    ]


def test_one_testcase_per_hidden_test_with_task_points_and_feedback():
    xml = junit_xml([_record("bob", _tests(), problems=[f"cell 3: {HOSTILE}"]), _record("ada", _tests()[:1])],
                    title="NNF: activations")
    root = ElementTree.fromstring(xml)  # parses: nothing XML cannot carry got through
    assert root.tag == "testsuites" and root.get("name") == "NNF: activations"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["01_activations.ada", "01_activations.bob"]  # sorted
    bob = suites[1]
    assert {p.get("name"): p.get("value") for p in bob.find("properties")}["score"] == "0.5"
    cases = bob.findall("testcase")
    assert [c.get("name") for c in cases] == ["relu_forward: values", "relu_backward: dx", "relu_backward: shape"]
    props = {p.get("name"): p.get("value") for p in cases[1].find("properties")}
    assert props == {"task": "relu_backward", "points": "1.5", "score": "0", "status": "failed"}
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    failure = cases[1].find("failure")
    assert failure.get("message") == "dx: wrong sign" and failure.get("type") == "failed"
    assert "<script>alert(1)</script> & \"quotes\"" in failure.text  # escaped in the file, intact when read
    assert "\x00" not in failure.text and "\x1b" not in failure.text and "\ud800" not in failure.text
    assert cases[2].find("error").get("type") == "grader_error"  # the instructor's problem, not the student's
    assert "cell 3" in bob.find("system-out").text
    assert b"<script>" not in xml and b"&lt;script&gt;" in xml


def test_same_records_same_bytes_and_control_characters_removed():
    records = [_record("ada", _tests())]
    assert junit_xml(records) == junit_xml(list(reversed(records)))
    assert xml_safe("a\x00b\x07c\td\ne\r\ufffe\U0001F600") == "abc\td\ne\r\U0001F600"
