"""``course grade`` and ``course selftest``: typer wrappers over ``grader.commands``."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader import commands
from grader.batch import GradebookError, GradingInterrupted
from grader.build.errors import BuildError
from grader.cli import BAD_INPUT, CONFIG_HELP, app, fail_line
from grader.commands import BadArguments
from grader.config import ConfigError
from grader.config_discovery import find_course_toml
from grader.discover import DiscoveryError
from grader.export.escape import terminal_text
from grader.export.nbgrader_gradebook import NbgraderGradebookError
from grader.grade import BundleError
from grader.isolation import ISOLATION_LEVELS, IsolationUnavailable
from grader.lifecycle.cli_support import submission_time
from grader.lifecycle.roster import RosterError
from grader.outputs import OutputError
from grader.worker.client import WorkerStartError

_GRADE = commands.grade.__kwdefaults__
# What the user can fix (input, course.toml, the output folder): one line, exit 2.
# WorkerStartError: no worker can start here at all (the grader's problem): one line, not a traceback.
_USER_ERRORS = (ConfigError, BuildError, DiscoveryError, BundleError, IsolationUnavailable, BadArguments,
                GradebookError, OutputError, NbgraderGradebookError, WorkerStartError, RosterError)
GRADER_ERRORS = 1
"""Exit status of a batch that completed, but recorded some submissions as grader errors."""
INTERNAL_ERROR = 3
"""Exit code of a bug in the grader (with its traceback); docs/ci.md lists every exit code."""


def _fail(error: Exception, status: int = BAD_INPUT) -> None:
    fail_line(str(error), status)


def _summary(result, assignment: str) -> str:
    line = f"outputs in {result.out / assignment}"
    if result.grader_errors:
        names = ", ".join(r.student for r in result.grader_errors[:5])
        line += (f"; {len(result.grader_errors)} submission(s) could not be graded (grader error: {names}"
                 f"{', ...' if len(result.grader_errors) > 5 else ''}): run the same command again to retry them")
    if result.crashed:
        line += f"; {len(result.crashed)} submission(s) crashed the grading process and scored 0"
    return line


@app.command("grade")
def grade_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug, e.g. 01_activations.")],
    paths: Annotated[list[Path], typer.Argument(
        help="Submissions: an nbgrader submitted/ tree, a folder of <student>.ipynb|.py, or files.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (gradebook, records, feedback, report).")] = _GRADE["out"],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders (default: number of cores).")] = _GRADE["jobs"],
    force: Annotated[bool, typer.Option("--force", help="Regrade submissions already in the gradebook.")] = _GRADE["force"],
    isolation: Annotated[str, typer.Option("--isolation", help=f"One of {', '.join(ISOLATION_LEVELS)}.")] = _GRADE["isolation"],
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Regrade everything and write only the regrade "
                                          "diff (regrade.md/.csv): gradebook and exports untouched.")] = _GRADE["dry_run"],
    junit: Annotated[Optional[Path], typer.Option(
        "--junit", help="Also write JUnit XML here (one testcase per hidden test), for CI.")] = _GRADE["junit"],
    nbgrader_db: Annotated[Optional[Path], typer.Option(
        "--nbgrader-db", help="Also write the grades into this nbgrader gradebook.db (formgrader, nbgrader export).")]
        = _GRADE["nbgrader_db"],
    roster: Annotated[Optional[Path], typer.Option(
        "--roster", help="Roster CSV: per-student extensions (extension_hours, extension_days).")] = _GRADE["roster"],
    submitted_at: Annotated[Optional[str], typer.Option(
        "--submitted-at", help="Submission time of every submission given, e.g. 2026-10-06T10:00+02:00 "
                               "(default: each one's timestamp.txt).")] = None,
) -> None:
    """Grade submissions of one assignment in sandboxed workers; write gradebook, feedback and report."""
    console = Console(stderr=True)
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, disable=not sys.stderr.isatty())
    task = None

    def on_progress(student, record):
        if task is not None:
            progress.advance(task)

    try:
        with progress:
            task = progress.add_task(f"grading {assignment}", total=None)
            result = commands.grade(assignment=assignment, paths=paths, out=out, jobs=jobs, force=force,
                                    isolation=isolation, config=config or find_course_toml(), dry_run=dry_run,
                                    junit=junit, nbgrader_db=nbgrader_db, on_progress=on_progress,
                                    roster=roster, submitted_at=submission_time(submitted_at),
                                    on_warning=lambda text: console.print(escape(text), style="yellow", soft_wrap=True))
    except _USER_ERRORS as error:
        _fail(error)
    except GradingInterrupted as stop:
        _fail(stop, 128 + stop.signum)
    except Exception:  # a bug in the grader, never the submissions' fault: the traceback is the report
        traceback.print_exc()
        raise typer.Exit(INTERNAL_ERROR) from None
    table = Table(title=f"{assignment}: {len(result.graded)} graded, {len(result.skipped)} unchanged (skipped)")
    for column in ("student", "score", "status", "problems"):
        table.add_column(column)
    for record in result.records:
        table.add_row(terminal_text(record.student), f"{record.score:g} / {record.max_score:g}", record.status,
                      str(len(record.problems)) if record.problems else "")
    Console().print(table)
    if result.regrade is not None:
        Console().print(f"regrade: {result.regrade.summary}: {result.out / assignment / 'regrade.md'}", highlight=False)
    if dry_run:
        typer.echo("dry run: the gradebook, records, feedback and exports are unchanged")
    else:
        typer.echo(f"{_summary(result, assignment)} (gradebook: {result.out / 'gradebook.sqlite'})")
        if junit:
            typer.echo(f"JUnit XML: {junit}")
        if nbgrader_db:
            typer.echo(f"nbgrader gradebook: {len(result.records)} submission(s) written to {nbgrader_db}")
    if result.grader_errors:
        raise typer.Exit(GRADER_ERRORS)


def _summary_table(outcomes) -> Table:
    from grader.selftest_summary import summarize, total

    rows = summarize(outcomes)
    table = Table(title="mutant feedback: more specific than \"wrong values\"")
    for column in ("assignment", "mutants", "alternatives", "caught", "specific feedback", "specific failing tests",
                   "only \"wrong values\""):
        table.add_column(column)
    for row in [*rows, total(rows)]:
        table.add_row(row.assignment, str(row.mutants), str(row.alternatives), str(row.caught),
                      f"{row.specific}/{row.mutants} ({100 * row.share:.1f}%)",
                      f"{row.specific_tests}/{row.failing_tests}", escape(", ".join(row.generic_examples)) or "-")
    return table


@app.command("selftest")
def selftest_command(
    assignments: Annotated[Optional[list[str]], typer.Argument(help="Slugs (default: all).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    records: Annotated[Optional[Path], typer.Option(
        "--records", help="Also write each case's grading record to DIR/<slug>/<case>.json.")] = None,
    summary: Annotated[bool, typer.Option(
        "--summary", help="Also print, per assignment, mutants, alternatives and the share of mutants whose "
                          "feedback says more than \"wrong values\".")] = False,
) -> None:
    """Check that each hidden suite grades right: reference full, release zero, mutants caught, alternatives full."""
    try:
        outcomes = commands.selftest(assignments=assignments or (), config=config or find_course_toml(), jobs=jobs)
    except _USER_ERRORS as error:
        _fail(error)
    if records is not None:
        for outcome in outcomes:
            path = records / outcome.record.assignment / f"{outcome.case.name.replace(':', '-')}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outcome.record.to_json())
    table = Table(title="hidden-suite self-test")
    for column in ("assignment", "case", "score", "verdict"):
        table.add_column(column)
    for outcome in outcomes:
        record = outcome.record
        verdict = "ok" if outcome.ok else "WRONG: " + "; ".join(outcome.reasons)
        table.add_row(record.assignment, escape(f"{outcome.case.name} ({outcome.case.description})"),
                      f"{record.score:g} / {record.max_score:g}", escape(verdict))
    Console(width=200).print(table)
    if summary:
        Console(width=200).print(_summary_table(outcomes))
    bad = [o for o in outcomes if not o.ok]
    Console().print(f"{len(outcomes) - len(bad)} of {len(outcomes)} cases graded as expected")
    if bad:
        raise typer.Exit(1)
