"""JUnit XML for CI (GitHub Actions, GitLab, Jenkins render it natively): one ``<testsuite>``
per submission, one ``<testcase>`` per hidden test.

    junit_xml(records, *, title="") -> bytes

    <testsuites name=title tests failures errors>
      <testsuite name="<slug>.<student>" tests failures errors>
        <properties> student, assignment, score, max_score, status, submission_sha256 </properties>
        <testcase classname="<slug>.<student>" name="<test name>">
          <properties> task, points (max_score), score, status </properties>
          <failure type="<status>" message="<first line of our feedback>">our feedback</failure>
        </testcase>
        <system-out> the record's problems, one per line </system-out>

A student's wrong, missing or crashing code is a ``failure``; ``grader_error`` (the hidden
test itself broke: an instructor's problem) is an ``error``. Student-written text (test names
quote it rarely, feedback and problems often) is made XML-safe here: characters XML 1.0 cannot
carry (control characters, lone surrogates) are removed, the rest is escaped by ElementTree.
No timestamps: the same records give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree

from grader.records import SubmissionRecord

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MESSAGE_CHARS = 200
"""A failure's ``message`` attribute (what CI shows in its list) is the feedback's first line,
cut to this length; the element's text carries it whole."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (escaping is ElementTree's job)."""
    return _NOT_XML.sub("", text)


def _points(value: float) -> str:
    return f"{value:g}"


def _properties(parent: ElementTree.Element, values: dict[str, str]) -> None:
    properties = ElementTree.SubElement(parent, "properties")
    for name, value in values.items():
        ElementTree.SubElement(properties, "property", name=name, value=xml_safe(value))


def _testsuite(parent: ElementTree.Element, record: SubmissionRecord) -> tuple[int, int]:
    name = xml_safe(f"{record.assignment}.{record.student}")
    failures = sum(t.status not in ("passed", "grader_error") for t in record.tests)
    errors = sum(t.status == "grader_error" for t in record.tests)
    suite = ElementTree.SubElement(parent, "testsuite", name=name, tests=str(len(record.tests)),
                                   failures=str(failures), errors=str(errors), skipped="0", time="0")
    _properties(suite, {"student": record.student, "assignment": record.assignment,
                        "score": _points(record.score), "max_score": _points(record.max_score),
                        "status": record.status, "submission_sha256": record.submission_sha256})
    for test in record.tests:
        case = ElementTree.SubElement(suite, "testcase", classname=name, name=xml_safe(test.name), time="0")
        _properties(case, {"task": test.task, "points": _points(test.max_score), "score": _points(test.score),
                           "status": test.status})
        if test.status != "passed":
            text = xml_safe(test.output) or test.status.replace("_", " ")
            tag = "error" if test.status == "grader_error" else "failure"
            element = ElementTree.SubElement(case, tag, type=test.status,
                                             message=text.splitlines()[0][:MESSAGE_CHARS] if text else "")
            element.text = text
    if record.problems:
        ElementTree.SubElement(suite, "system-out").text = xml_safe("\n".join(record.problems))
    return failures, errors


def junit_xml(records: Sequence[SubmissionRecord], *, title: str = "") -> bytes:
    """The JUnit XML document for ``records`` (sorted by assignment, then student)."""
    root = ElementTree.Element("testsuites", name=xml_safe(title or "course grade"))
    failures = errors = tests = 0
    for record in sorted(records, key=lambda r: (r.assignment, r.student)):
        f, e = _testsuite(root, record)
        failures, errors, tests = failures + f, errors + e, tests + len(record.tests)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
