"""Per-student feedback in Markdown and HTML: score, per-task results, what to fix.

Only what the record holds is shown: diagnoses, never the hidden tests' inputs or the secret.
"""

from __future__ import annotations

import html

from grader.records import SubmissionRecord

_ICON = {"passed": "✅", "failed": "❌", "error": "💥", "not_implemented": "⬜", "missing": "❓",
         "timeout": "⏱", "crashed": "💥", "grader_error": "⚠"}


def _shown(record: SubmissionRecord):
    return [t for t in record.tests if t.visibility != "hidden"]


def feedback_markdown(record: SubmissionRecord, *, title: str = "") -> str:
    lines = [f"# Feedback: {title or record.assignment}", "",
             f"**Student:** {record.student}  ", f"**Score:** {record.score:g} / {record.max_score:g}", ""]
    if record.problems:
        lines += ["## Problems with the submission", ""] + [f"- {p}" for p in record.problems] + [""]
    lines += ["## Tests", "", "| | test | points | feedback |", "|---|---|---|---|"]
    for test in _shown(record):
        output = test.output.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {_ICON.get(test.status, '')} | {test.name} | {test.score:g} / {test.max_score:g} | {output} |")
    hidden = len(record.tests) - len(_shown(record))
    if hidden:
        lines += ["", f"{hidden} further test(s) are hidden until grades are released."]
    return "\n".join(lines) + "\n"


def feedback_html(record: SubmissionRecord, *, title: str = "") -> str:
    esc = html.escape
    rows = "\n".join(
        f"<tr class='{esc(t.status)}'><td>{_ICON.get(t.status, '')}</td><td>{esc(t.name)}</td>"
        f"<td>{t.score:g} / {t.max_score:g}</td><td>{esc(t.output)}</td></tr>"
        for t in _shown(record))
    problems = "".join(f"<li>{esc(p)}</li>" for p in record.problems)
    problems_html = f"<h2>Problems with the submission</h2><ul>{problems}</ul>" if problems else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {esc(title or record.assignment)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}tr.passed td{{background:#f1fbf1}}
tr.failed td,tr.error td,tr.crashed td,tr.timeout td{{background:#fdf1f1}}</style></head>
<body><h1>Feedback: {esc(title or record.assignment)}</h1>
<p><b>Student:</b> {esc(record.student)}<br><b>Score:</b> {record.score:g} / {record.max_score:g}</p>
{problems_html}<h2>Tests</h2><table><tr><th></th><th>test</th><th>points</th><th>feedback</th></tr>
{rows}
</table></body></html>
"""
