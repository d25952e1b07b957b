"""How specific is the feedback the self-test's mutants get? One row per assignment.

    summarize(outcomes) -> [SummaryRow, ...]     (``course selftest --summary``)
    summarize(outcomes_from_records(DIR, [(slug, folder), ...]))   (a ``--records DIR`` run)

A failing test's feedback is **generic** when it says no more than "wrong values" (the plain
comparison: the largest error, where it is and how many entries differ, or a scalar's got and
expected) or "a property check failed"; anything else is specific: a named mistake, where the
wrong entries lie (a row, the last time step, border pixels), the first optimiser step and
state entry that left the reference, a wrong shape or dtype, an exception, a changed input, a
warning. A mutant counts as specific when at least one failing test of the tasks it must lose
gives specific feedback (what the student reads first need not be the most specific line, so
the share of specific failing tests is given too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.selftest.cases import SelfTestOutcome

_GENERIC = (
    re.compile(r"^.{0,200}?: wrong values: max abs error [^;]*; \d+ of \d+ entries differ(?:; dtype [^;]*)?$"),
    re.compile(r"^.{0,200}?: wrong value: got [^;]*, expected [^;]*(?:; dtype [^;]*)?$"),
    re.compile(r"^a property check failed$"),
)


def is_generic(feedback: str) -> bool:
    """True when a failing test's feedback says only "wrong values" (or an unexplained failed check)."""
    text = feedback.strip()
    return any(pattern.match(text) for pattern in _GENERIC)


@dataclass(frozen=True)
class SummaryRow:
    """One assignment's self-test catalogue and how specific its mutants' feedback is."""

    assignment: str
    mutants: int
    alternatives: int
    caught: int
    """Mutants graded as expected."""
    specific: int
    """Mutants with at least one failing test (of the tasks they must lose) whose feedback is specific."""
    failing_tests: int
    specific_tests: int
    generic_examples: tuple[str, ...] = ()
    """Mutants whose every failing test says only "wrong values"."""

    @property
    def share(self) -> float:
        return self.specific / self.mutants if self.mutants else 1.0


def summarize(outcomes: Iterable[SelfTestOutcome]) -> list[SummaryRow]:
    """Per assignment, in the order the outcomes come: counts and the specific-feedback shares."""
    rows: dict[str, dict] = {}
    for outcome in outcomes:
        slug = outcome.record.assignment
        row = rows.setdefault(slug, {"mutants": 0, "alternatives": 0, "caught": 0, "specific": 0,
                                     "failing": 0, "specific_tests": 0, "generic": []})
        name = outcome.case.name
        if name.startswith("alternative:"):
            row["alternatives"] += 1
            continue
        if not name.startswith("mutant:"):
            continue
        row["mutants"] += 1
        row["caught"] += outcome.ok
        expected = set(outcome.case.expect_lose)
        failing = [t for t in outcome.record.tests if t.task in expected and t.score < t.max_score - 1e-9]
        specific = [t for t in failing if not is_generic(t.output)]
        row["failing"] += len(failing)
        row["specific_tests"] += len(specific)
        if specific:
            row["specific"] += 1
        else:
            row["generic"].append(name.partition(":")[2])
    return [SummaryRow(slug, r["mutants"], r["alternatives"], r["caught"], r["specific"], r["failing"],
                       r["specific_tests"], tuple(r["generic"])) for slug, r in rows.items()]


def total(rows: list[SummaryRow]) -> SummaryRow:
    """The whole course as one row."""
    return SummaryRow("all", sum(r.mutants for r in rows), sum(r.alternatives for r in rows),
                      sum(r.caught for r in rows), sum(r.specific for r in rows),
                      sum(r.failing_tests for r in rows), sum(r.specific_tests for r in rows),
                      tuple(g for r in rows for g in r.generic_examples))


def outcomes_from_records(records: Path, assignments: Iterable[tuple[str, Path]]) -> list[SelfTestOutcome]:
    """The mutant and alternative outcomes of a ``course selftest --records DIR`` run, judged
    again from the records (summarize a run without grading it again, or compare two trees).
    assignments: (slug, assignment folder) pairs; a case without a record is left out."""
    from grader.records import SubmissionRecord
    from grader.selftest.cases import cases, judge

    found = []
    for slug, folder in assignments:
        for case in cases(folder):
            path = Path(records) / slug / f"{case.name.replace(':', '-')}.json"
            if case.name.startswith(("mutant:", "alternative:")) and path.is_file():
                record = SubmissionRecord.from_json(path.read_text())
                reasons = judge(case, record)
                found.append(SelfTestOutcome(case=case, record=record, ok=not reasons, reasons=reasons))
    return found


def summary_table(outcomes: Iterable[SelfTestOutcome]):
    """The summary as a rich Table, one row per assignment and one for the course."""
    from rich.markup import escape
    from rich.table import Table

    rows = summarize(outcomes)
    table = Table(title='mutant feedback: more specific than "wrong values"')
    for column in ("assignment", "mutants", "alternatives", "caught", "specific feedback", "specific failing tests",
                   'only "wrong values"'):
        table.add_column(column)
    for row in [*rows, total(rows)]:
        table.add_row(row.assignment, str(row.mutants), str(row.alternatives), str(row.caught),
                      f"{row.specific}/{row.mutants} ({100 * row.share:.1f}%)",
                      f"{row.specific_tests}/{row.failing_tests}", escape(", ".join(row.generic_examples)) or "-")
    return table
