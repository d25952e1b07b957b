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
from grader.build.errors import BuildError
from grader.cli import BAD_INPUT, CONFIG_HELP, app
from grader.config import ConfigError
from grader.config_discovery import find_course_toml
from grader.discover import DiscoveryError
from grader.grade import BundleError
from grader.isolation import ISOLATION_LEVELS
from grader.worker.client import WorkerStartError

_GRADE = commands.grade.__kwdefaults__
INTERNAL_ERROR = 3
"""Exit code of a bug in the grader (with its traceback); docs/ci.md lists every exit code."""
# WorkerStartError: no worker can start here at all (the grader's problem): one line, not a traceback.
_USER_ERRORS = (ConfigError, BuildError, DiscoveryError, BundleError, ValueError, WorkerStartError)


def _fail(error: Exception) -> None:
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {error}", highlight=False)  # one line, however long
    raise typer.Exit(BAD_INPUT)


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
    junit: Annotated[Optional[Path], typer.Option(
        "--junit", help="Also write JUnit XML here (one testcase per hidden test), for CI.")] = _GRADE["junit"],
    nbgrader_db: Annotated[Optional[Path], typer.Option(
        "--nbgrader-db", help="Also write the grades into this nbgrader gradebook.db (formgrader, nbgrader export).")]
        = _GRADE["nbgrader_db"],
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
                                    isolation=isolation, config=config or find_course_toml(), junit=junit,
                                    nbgrader_db=nbgrader_db, on_progress=on_progress)
    except _USER_ERRORS as error:
        _fail(error)
    except Exception:  # a bug in the grader, never the submissions' fault: the traceback is the report
        traceback.print_exc()
        raise typer.Exit(INTERNAL_ERROR) from None
    table = Table(title=f"{assignment}: {len(result.graded)} graded, {len(result.skipped)} unchanged (skipped)")
    for column in ("student", "score", "status", "problems"):
        table.add_column(column)
    for record in result.records:
        table.add_row(record.student, f"{record.score:g} / {record.max_score:g}", record.status,
                      str(len(record.problems)) if record.problems else "")
    Console().print(table)
    Console().print(f"outputs in {result.out / assignment} (gradebook: {result.out / 'gradebook.sqlite'})")
    if junit:
        Console().print(f"JUnit XML: {junit}")
    if nbgrader_db:
        Console().print(f"nbgrader gradebook: {len(result.records)} submission(s) written to {nbgrader_db}")


@app.command("selftest")
def selftest_command(
    assignments: Annotated[Optional[list[str]], typer.Argument(help="Slugs (default: all).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
) -> None:
    """Check that each hidden suite grades right: reference full, release zero, mutants caught, alternatives full."""
    try:
        outcomes = commands.selftest(assignments=assignments or (), config=config or find_course_toml(), jobs=jobs)
    except _USER_ERRORS as error:
        _fail(error)
    table = Table(title="hidden-suite self-test")
    for column in ("assignment", "case", "score", "verdict"):
        table.add_column(column)
    for outcome in outcomes:
        record = outcome.record
        verdict = "ok" if outcome.ok else "WRONG: " + "; ".join(outcome.reasons)
        table.add_row(record.assignment, escape(f"{outcome.case.name} ({outcome.case.description})"),
                      f"{record.score:g} / {record.max_score:g}", escape(verdict))
    Console(width=200).print(table)
    bad = [o for o in outcomes if not o.ok]
    Console().print(f"{len(outcomes) - len(bad)} of {len(outcomes)} cases graded as expected")
    if bad:
        raise typer.Exit(1)
