"""Student text is made safe once, where it enters a record, and escaped again by every export:
a corpus of nasty strings, through each format, and through a real batch."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from grader.grading.batch import grade_batch
from grader.export.csv_gradebook import gradebook_csv
from grader.export.escape import csv_cell, markdown_code, markdown_text, terminal_text
from grader.export.feedback import feedback_html, feedback_markdown
from grader.export.gradescope import gradescope_json
from grader.records import OUTPUT_CHARS, SubmissionRecord, TestResult
from grader.safe_text import clean_text
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

NASTY = [
    "\ud800", "lone \udfff surrogate", "\udcff\udcfe",  # surrogates (the second pair: undecodable bytes)
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a & b <!-- c",
    "\x1b[2J\x1b[31mred\x1b[0m", "\x1b]8;;http://evil\x07link\x1b]8;;\x07", "bell\x07", "back\x08space",
    "nul\x00byte", "carriage\rreturn", "del\x7f", "c1\x9bcsi",
    "\u202eevil\u202c", "\u2066isolate\u2069", "zero\u200bwidth", "\ufeffbom", "line\u2028sep",
    "=1+2", "-2+3+cmd|'calc'!A0", "@SUM(1,2)", "+1", "\tTAB", "\rCR",
    "[red]markup[/red]", "[link=http://evil]x[/link]", "**bold** _em_ `code` | pipe [x](http://evil) ![i](http://t)",
    "x" * 100_000, "ok plain text",
]

UNSAFE_CODEPOINTS = {*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x202E, 0x202C, 0x2066,
                     0x2069, 0x200B, 0xFEFF, 0x2028, *range(0xD800, 0xE000)}


def _unsafe(text: str) -> set[str]:
    return {c for c in text if ord(c) in UNSAFE_CODEPOINTS}


@pytest.mark.parametrize("text", NASTY)
def test_clean_text_is_valid_visible_bounded_and_idempotent(text):
    cleaned = clean_text(text, limit=500)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert not _unsafe(cleaned) and len(cleaned) <= 500
    assert clean_text(cleaned, limit=500) == cleaned


def test_clean_text_names_what_it_replaced():
    assert clean_text("a\x1bb\u202ec\ud800d\udcff", limit=100) == "a\\x1bb\\u202ec\\ud800d\\xff"
    assert clean_text("tab\tand\nnewline stay", limit=100) == "tab\tand\nnewline stay"
    cut = clean_text("y" * 5000, limit=300)
    assert cut.startswith("yyy") and "more characters cut" in cut and len(cut) <= 300


def _record(text: str, student: str = "ada") -> SubmissionRecord:
    test = TestResult(name=f"relu_forward: {text}", task="relu_forward", score=0.0, max_score=1.0,
                      status="failed", output=f"your code raised RuntimeError: {text}")
    return SubmissionRecord(student=student, assignment="01_activations", submission_sha256="0" * 64,
                            submission_file=f"{student}.py", status="graded", score=0.0, max_score=1.0,
                            tests=(test,), problems=(f"cell 1: error: {text}",))


@pytest.mark.parametrize("text", NASTY)
def test_every_export_of_a_nasty_string_is_safe(text):
    record = _record(text, student=text[:50] or "_")
    assert len(record.tests[0].output) <= OUTPUT_CHARS
    assert SubmissionRecord.from_json(record.to_json()) == record
    markdown = feedback_markdown(record, title="T")
    page = feedback_html(record, title="T")
    table = gradebook_csv([record])
    results = json.loads(gradescope_json(record))
    for output in (markdown, page, table, json.dumps(results, ensure_ascii=False), record.to_json()):
        output.encode("utf-8")
        assert not _unsafe(output), repr(text)
    for raw_html in ("<script", "<img", "<!--"):
        assert raw_html not in markdown and raw_html not in page
    assert not re.search(r"(?<!\\)\]\(", markdown)  # no link or image the student wrote
    row = next(csv.reader(io.StringIO(table.splitlines()[1])))
    assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_markdown_escapes_keep_ordinary_text_readable():
    assert markdown_text("relu_forward: dx is off by 1/N") == "relu_forward: dx is off by 1/N"
    assert markdown_text("a|b\nc") == "a\\|b<br>c"
    assert markdown_text("<b>&") == "&lt;b&gt;&amp;"
    assert markdown_code("x`y") == "``x`y``"
    assert markdown_text("abcdefghij", limit=5) == "abcd…" and markdown_text("abc", limit=5) == "abc"


def test_csv_cells_follow_owasp():
    assert [csv_cell(v) for v in ("=1+2", "+1", "-1", "@a", "\tx", "\rx", "ada", "")] == \
        ["'=1+2", "'+1", "'-1", "'@a", "'\tx", "'\rx", "ada", ""]


def test_terminal_text_shows_rich_markup_as_typed():
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(terminal_text("[red]x[/red] [link=http://e]y[/link]"))
    assert console.file.getvalue().strip() == "[red]x[/red] [link=http://e]y[/link]"


HOSTILE = '''
import numpy as np

class Évil:
    pass

Évil.__qualname__ = "<script>alert(1)</script>\\x1b[2J\\u202e"

def relu_forward(x):
    raise RuntimeError({message!r})

def tanh_forward(x):
    return Évil(), None
'''


@pytest.mark.slow
def test_a_batch_of_hostile_text_writes_every_output(tmp_path):
    bundle = small_bundle(tmp_path / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    subs = tmp_path / "subs"
    subs.mkdir()
    messages = {"surrogate": "\ud800", "script": "<script>alert(1)</script>", "ansi": "\x1b[31mred\x1b[2J",
                "bidi": "\u202eevil", "nul": "a\x00b"}
    for name, message in messages.items():
        (subs / f"{name}.py").write_text(HOSTILE.format(message=message))
    for student in ("=1+2", "-2+3+cmd|'calc'!A0", "@SUM(1,2)", "honest"):
        (subs / f"{student}.py").write_text("import numpy as np\ndef relu_forward(x):\n    return np.maximum(x, 0), x\n")
    os.makedirs(os.fsencode(subs / "bytes"), exist_ok=True)
    (subs / "bytes").rmdir()
    with open(os.path.join(os.fsencode(subs), b"\xff\xfe.py"), "w") as handle:  # not UTF-8
        handle.write("def relu_forward(x):\n    return x, x\n")

    result = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / "out", secret="s", jobs=2)
    assert len(result.records) == len(messages) + 5 and not result.grader_errors
    folder = tmp_path / "out" / bundle.slug
    texts = [p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.suffix in (".md", ".html", ".json", ".csv")]
    assert texts and all(not _unsafe(text) for text in texts)
    assert not any("<script" in text for text in texts if not text.lstrip().startswith("{"))
    rows = list(csv.reader(io.StringIO((folder / "gradebook.csv").read_text())))
    assert {"'=1+2", "'-2+3+cmd|'calc'!A0", "'@SUM(1,2)", "\\xff\\xfe"} <= {row[0] for row in rows}
    assert "RuntimeError: \\ud800" in (folder / "surrogate" / "feedback.html").read_text()
    assert "RuntimeError: \\\\ud800" in (folder / "surrogate" / "feedback.md").read_text()  # Markdown escapes \
