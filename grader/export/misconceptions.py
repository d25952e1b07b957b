"""What the class got wrong: the named mistakes (``TestResult.diagnosis``) across students, per
graded function, from the records alone (no re-grading, no student code).

    table = misconceptions(records)                     # one assignment's records
    write_misconceptions(table, out_dir)                # misconceptions.md / .csv / <slug>_misconceptions.png
    course_misconceptions_markdown(tables, link=...)    # the course-wide summary

A student counts once per (function, mistake), however many of the function's tests show it;
the share is of all the assignment's students. A failed test without a name counts as
"wrong values (no diagnosis)", so the share of failures the suite could not explain is visible;
code that raised, timed out or crashed counts under those words. Tests never attempted (the
stub, a missing function) are not mistakes: they are counted apart, per function.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.export.escape import markdown_code, markdown_text
from grader.records import SubmissionRecord, TestResult

NO_DIAGNOSIS = "wrong values (no diagnosis)"
"""The row of failures that no diagnosis named."""

_STATUS_LABELS = {"error": "your code raised an exception", "timeout": "took too long",
                  "crashed": "crashed the process running it"}
_NOT_ATTEMPTED = ("not_implemented", "missing")
EXAMPLES = 3
"""How many of the most common named mistakes get an example of the feedback students saw."""


@dataclass(frozen=True)
class Mistake:
    """One mistake on one graded function, and who made it."""

    task: str
    """The graded function."""
    name: str
    """The diagnosis, ``NO_DIAGNOSIS``, or what the code did instead of returning (raised...)."""
    students: int
    """Students who made it on this function (each counted once)."""
    share: float
    """``students`` over the assignment's students."""
    example: TestResult
    """One test that showed it, its feedback anonymised: a visible test if there is one (the
    first student's, in student order)."""

    @property
    def named(self) -> bool:
        """A diagnosis names it (not unexplained wrong values, not an exception or timeout)."""
        return self.name != NO_DIAGNOSIS and self.name not in _STATUS_LABELS.values()


@dataclass(frozen=True)
class MisconceptionTable:
    """One assignment's mistakes."""

    assignment: str
    """Assignment slug."""
    students: int
    """Students with a record (the denominator of every share)."""
    tasks: tuple[str, ...]
    """Graded functions in suite order."""
    mistakes: tuple[Mistake, ...]
    """Per function (suite order), most frequent first, ties by name."""
    not_attempted: dict[str, int]
    """Function -> students who left it unimplemented (stub or missing)."""

    def ranked(self) -> list[Mistake]:
        """Every mistake, most frequent first (ties: suite order of the function, then name)."""
        order = {task: i for i, task in enumerate(self.tasks)}
        return sorted(self.mistakes, key=lambda m: (-m.students, order[m.task], m.name))

    def most_common_named(self, count: int = EXAMPLES) -> list[Mistake]:
        return [m for m in self.ranked() if m.named][:count]

    @property
    def undiagnosed_share(self) -> float:
        """Of the (student, function) pairs with a wrong answer, the share no diagnosis named."""
        wrong = [m for m in self.mistakes if m.name not in _STATUS_LABELS.values()]
        total = sum(m.students for m in wrong)
        return sum(m.students for m in wrong if m.name == NO_DIAGNOSIS) / total if total else 0.0


def _label(test: TestResult) -> str | None:
    """The row a non-passing test counts under, or None (passed, not attempted, grader's error)."""
    if test.status == "failed":
        return test.diagnosis or NO_DIAGNOSIS
    return _STATUS_LABELS.get(test.status)


def misconceptions(records: Sequence[SubmissionRecord]) -> MisconceptionTable:
    """The mistakes in one assignment's records (one record per student)."""
    slugs = {r.assignment for r in records}
    if len(slugs) > 1:
        raise ValueError(f"misconceptions() takes one assignment's records, got {sorted(slugs)}")
    tasks: dict[str, None] = {}
    seen: dict[tuple[str, str], list[TestResult]] = {}  # (task, label) -> one example per student
    not_attempted: dict[str, int] = {}
    for record in sorted(records, key=lambda r: r.student):
        mine: dict[tuple[str, str], TestResult] = {}
        idle: set[str] = set()
        for test in record.tests:
            tasks.setdefault(test.task)
            label = _label(test)
            if label is None:
                if test.status in _NOT_ATTEMPTED:
                    idle.add(test.task)
            elif _better_example(test, mine.get((test.task, label))):
                mine[(test.task, label)] = _anonymised(test, record.student)
        for key, example in mine.items():
            seen.setdefault(key, []).append(example)
        for task in idle:
            not_attempted[task] = not_attempted.get(task, 0) + 1
    order = {task: i for i, task in enumerate(tasks)}
    students = len(records)
    mistakes = sorted((Mistake(task, name, len(examples), len(examples) / students,
                               next((e for e in examples if e.visibility == "visible"), examples[0]))
                       for (task, name), examples in seen.items()),
                      key=lambda m: (order[m.task], -m.students, m.name))
    return MisconceptionTable(assignment=next(iter(slugs), ""), students=students, tasks=tuple(tasks),
                              mistakes=tuple(mistakes), not_attempted=not_attempted)


def _better_example(test: TestResult, kept: TestResult | None) -> bool:
    """The first test that shows a mistake, unless a later one is feedback students can see."""
    return kept is None or (kept.visibility != "visible" and test.visibility == "visible")


def _anonymised(test: TestResult, student: str) -> TestResult:
    """The test with the student's id (if the feedback quotes it) replaced by a placeholder.
    (Ids under 3 characters would garble ordinary words; they identify no one anyway.)"""
    if len(student) < 3 or student not in test.output:
        return test
    return dataclasses.replace(test, output=test.output.replace(student, "[student]"))


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def misconceptions_markdown(table: MisconceptionTable, *, chart: str | None = None, title: str = "") -> str:
    """The Markdown report of one assignment's mistakes (chart: the bar chart's file name)."""
    esc = markdown_text
    lines = [f"# What the class got wrong: {esc(title or table.assignment)}", "",
             f"{table.students} students. A student counts once per function and mistake; the share is of "
             f"all {table.students} students. \"{NO_DIAGNOSIS}\" is a wrong answer the hidden tests could "
             f"not explain: {_percent(table.undiagnosed_share)} of the wrong answers here.", ""]
    if not table.mistakes:
        lines += ["No wrong answers: every attempted function passed every test.", ""]
    else:
        if chart:
            lines += [f"![most common mistakes]({chart})", "",
                      "Blue: named mistakes; grey: wrong values no diagnosis named; orange: code that raised, "
                      "timed out or crashed.", ""]
        top = table.most_common_named()
        if top:
            lines += [f"## The {len(top)} most common mistakes, as students saw them", ""]
            for rank, mistake in enumerate(top, start=1):
                example = mistake.example
                hidden = "" if example.visibility == "visible" else f" (a {example.visibility} test)"
                lines += [f"{rank}. **{esc(mistake.task)}: {esc(mistake.name)}** — {mistake.students} of "
                          f"{table.students} students ({_percent(mistake.share)})",
                          f"   > {esc(example.name)}{esc(hidden)}: {esc(example.output, limit=400)}", ""]
        lines += ["## Per function, most frequent first", "",
                  "| function | mistake | students | share |", "|---|---|---|---|"]
        lines += [f"| {markdown_code(m.task)} | {esc(m.name)} | {m.students} | {_percent(m.share)} |" for m in table.mistakes]
        lines.append("")
    if table.not_attempted:
        idle = ", ".join(f"{markdown_code(task)} {table.not_attempted[task]}" for task in table.tasks
                         if task in table.not_attempted)
        lines += [f"Not attempted (stub or missing function), students per function: {idle}.", ""]
    return "\n".join(lines)


def misconceptions_csv(tables: Sequence[MisconceptionTable]) -> str:
    """CSV: assignment, task, mistake, students, share (a fraction), students_graded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["assignment", "task", "mistake", "students", "share", "students_graded"])
    for table in tables:
        for m in table.mistakes:
            writer.writerow([table.assignment, m.task, m.name, m.students, f"{m.share:.6g}", table.students])
    return out.getvalue()


def plot_misconceptions(table: MisconceptionTable, path: Path, *, rows: int = 15) -> None:
    """A horizontal bar chart of the most frequent mistakes (students who made each); grey for
    wrong values no diagnosis named, orange for code that raised, timed out or crashed."""
    from matplotlib.figure import Figure  # a bare Figure: no pyplot global state

    ranked = table.ranked()[:rows]
    labels = [_short(f"{m.task}: {m.name}") for m in ranked]
    colours = ["#4477aa" if m.named else ("#bbbbbb" if m.name == NO_DIAGNOSIS else "#ee7733") for m in ranked]
    figure = Figure(figsize=(10, 0.32 * max(len(ranked), 1) + 1.3))
    ax = figure.subplots()
    ax.barh(range(len(ranked)), [m.students for m in ranked], color=colours)
    ax.set_yticks(range(len(ranked)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, max(table.students, 1))
    ax.set_xlabel(f"students (of {table.students})")
    ax.set_title(f"{table.assignment}: most common mistakes")
    ax.xaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})


def _short(text: str, limit: int = 90) -> str:
    # A chart label is not Markdown; "$" would switch matplotlib to math mode.
    text = text.replace("$", r"\$")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_misconceptions(table: MisconceptionTable, out_dir: Path, *, title: str = "",
                         name: str = "misconceptions") -> Path:
    """Write ``<name>.md``, ``<name>.csv`` and the bar chart ``<slug>_misconceptions.png`` of
    one assignment's ``misconceptions(records)`` into ``out_dir``; return the Markdown file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = f"{table.assignment}_misconceptions.png"
    if table.mistakes:
        plot_misconceptions(table, out_dir / chart)
    (out_dir / f"{name}.csv").write_text(misconceptions_csv([table]))
    report = out_dir / f"{name}.md"
    report.write_text(misconceptions_markdown(table, chart=chart if table.mistakes else None, title=title))
    return report


def course_misconceptions_markdown(tables: Sequence[MisconceptionTable], *, link: Callable[[str], str],
                                   rows: int = 10) -> str:
    """The course-wide section: the most common named mistakes of the whole course, and per
    assignment its most common one and its share of unexplained wrong answers.

    link(slug): the relative path of that assignment's ``misconceptions.md``."""
    esc = markdown_text
    ranked = sorted(((t, m) for t in tables for m in t.mistakes if m.named),
                    key=lambda tm: (-tm[1].share, tm[0].assignment, tm[1].task, tm[1].name))[:rows]
    lines = ["## What the class got wrong", "",
             "The most common named mistakes across the course (share of each assignment's students):", "",
             "| assignment | function | mistake | students | share |", "|---|---|---|---|---|"]
    lines += [f"| {esc(t.assignment)} | {markdown_code(m.task)} | {esc(m.name)} | {m.students} of {t.students} | "
              f"{_percent(m.share)} |" for t, m in ranked]
    if not ranked:
        lines.append("| | | no named mistakes | | |")
    lines += ["", "| assignment | most common mistake | wrong answers without a diagnosis | report |",
              "|---|---|---|---|"]
    for table in tables:
        top = table.most_common_named(1)
        first = f"{markdown_code(top[0].task)}: {esc(top[0].name)} ({top[0].students})" if top else "—"
        lines.append(f"| {esc(table.assignment)} | {first} | {_percent(table.undiagnosed_share)} | "
                     f"[misconceptions]({link(table.assignment)}) |")
    return "\n".join(lines) + "\n"
