"""Per-student feedback in Markdown and HTML: the score, a line per task, then what to fix.

Only what the record holds is shown: diagnoses, never the hidden tests' inputs or the secret.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from grader.export.escape import markdown_code, markdown_text
from grader.records import SubmissionRecord, TestResult

_ICON = {"passed": "✅", "failed": "❌", "error": "💥", "not_implemented": "⬜", "missing": "❓",
         "timeout": "⏱", "crashed": "💥", "grader_error": "⚠"}


def _points(value: float) -> str:
    return f"{value:.3g}"


@dataclass(frozen=True)
class _TaskLine:
    task: str
    score: float
    max_score: float
    passed: int
    total: int

    @property
    def icon(self) -> str:
        return "✅" if self.passed == self.total else ("⬜" if self.passed == 0 else "🟨")


def _shown(record: SubmissionRecord) -> list[TestResult]:
    return [t for t in record.tests if t.visibility != "hidden"]


def _tasks(record: SubmissionRecord) -> list[_TaskLine]:
    lines: dict[str, list[TestResult]] = {}
    for test in record.tests:
        lines.setdefault(test.task, []).append(test)
    return [_TaskLine(task, sum(t.score for t in tests), sum(t.max_score for t in tests),
                      sum(t.status == "passed" for t in tests), len(tests)) for task, tests in lines.items()]


def feedback_markdown(record: SubmissionRecord, *, title: str = "") -> str:
    md = markdown_text
    lines = [f"# Feedback: {md(title or record.assignment)}", "",
             f"**Student:** {md(record.student)}  ", f"**Score:** {_points(record.score)} / {_points(record.max_score)}", ""]
    if record.problems:
        lines += ["## Problems with the submission", ""] + [f"- {md(p)}" for p in record.problems] + [""]
    lines += ["## By function", "", "| | function | points | tests passed |", "|---|---|---|---|"]
    lines += [f"| {t.icon} | {markdown_code(t.task)} | {_points(t.score)} / {_points(t.max_score)} | {t.passed} of {t.total} |"
              for t in _tasks(record)]
    failing = [t for t in _shown(record) if t.status != "passed"]
    if failing:
        lines += ["", "## What to fix", ""]
        lines += [f"- {_ICON.get(t.status, '')} **{md(t.name)}** ({_points(t.max_score)} pt): {md(t.output)}"
                  for t in failing]
    hidden = len(record.tests) - len(_shown(record))
    if hidden:
        lines += ["", f"{hidden} further test(s) are hidden until grades are released."]
    return "\n".join(lines) + "\n"


def feedback_html(record: SubmissionRecord, *, title: str = "") -> str:
    esc = html.escape
    tasks = "\n".join(
        f"<tr><td>{t.icon}</td><td><code>{esc(t.task)}</code></td><td>{_points(t.score)} / {_points(t.max_score)}</td>"
        f"<td>{t.passed} of {t.total}</td></tr>" for t in _tasks(record))
    rows = "\n".join(
        f"<tr class='{esc(t.status)}'><td>{_ICON.get(t.status, '')}</td><td>{esc(t.name)}</td>"
        f"<td>{_points(t.score)} / {_points(t.max_score)}</td><td>{esc(t.output)}</td></tr>"
        for t in _shown(record))
    problems = "".join(f"<li>{esc(p)}</li>" for p in record.problems)
    problems_html = f"<h2>Problems with the submission</h2><ul>{problems}</ul>" if problems else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {esc(title or record.assignment)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}tr.passed td{{background:#f1fbf1}}
tr.failed td,tr.error td,tr.crashed td,tr.timeout td{{background:#fdf1f1}}</style></head>
<body><h1>Feedback: {esc(title or record.assignment)}</h1>
<p><b>Student:</b> {esc(record.student)}<br><b>Score:</b> {_points(record.score)} / {_points(record.max_score)}</p>
{problems_html}<h2>By function</h2><table><tr><th></th><th>function</th><th>points</th><th>tests passed</th></tr>
{tasks}
</table>
<h2>Tests</h2><table><tr><th></th><th>test</th><th>points</th><th>feedback</th></tr>
{rows}
</table></body></html>
"""
