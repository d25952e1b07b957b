"""The ``course`` command line: a thin layer over plain functions with keyword-only options.

Defaults are read from those functions (``__kwdefaults__``), so each is written once. The
functions' modules import NumPy, pytest and the build only when a command runs: ``course
--help`` stays instant (``benchmarks/cli_startup.py``). Every command reports the same way:

    a ``grader.errors.UserError`` (bad input, an unusable output place)   one line, exit 2
    ``GradingInterrupted`` (SIGINT, SIGTERM)                               one line, exit 128 + signal
    anything else: a bug in the grader                                    its traceback, exit 3

``course grade`` also exits 1 when it completed but recorded grader errors (docs/ci.md).
"""

from __future__ import annotations

import functools
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.build import build
from grader.errors import BadArguments, GradingInterrupted, UserError
from grader.grading import commands as grading
from grader.lifecycle import commands as lifecycle
from grader.lifecycle.lms_export import FORMATS as EXPORT_FORMATS
from grader.selftest.run import selftest
from grader.worker.isolation import ISOLATION_LEVELS

app = typer.Typer(
    name="course",
    help="Build, release and grade the Neural Network Foundations course.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help and plain tracebacks: rich's help renderer alone costs about 0.1 s of every
    # `course --help`, and a bug's traceback is printed by _reported, once.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

BAD_INPUT = 2
GRADER_ERRORS = 1
"""Exit status of a batch that completed, but recorded some submissions as grader errors."""
INTERNAL_ERROR = 3
"""Exit status of a bug in the grader (with its traceback)."""

_BUILD = build.__kwdefaults__
_GRADE = grading.grade.__kwdefaults__
_SELFTEST = selftest.__kwdefaults__
_COLLECT = lifecycle.collect.__kwdefaults__
_EXPORT = lifecycle.export.__kwdefaults__
_SIMILARITY = lifecycle.similarity.__kwdefaults__

Config = Annotated[Optional[Path], typer.Option(
    "--config", help="The course file (default: the nearest course.toml at or above this folder, as git finds .git).")]


def fail_line(message: str, status: int = BAD_INPUT) -> None:
    """``error: message`` as exactly one line on stderr, whatever the terminal's width and whatever
    the message holds (a student's file name included), then exit with ``status``."""
    from grader.safe_text import clean_text

    text = clean_text(" ".join(message.split()), limit=2000)
    prefix = "\x1b[31merror:\x1b[0m" if sys.stderr.isatty() else "error:"
    sys.stderr.write(f"{prefix} {text}\n")
    sys.stderr.flush()
    raise typer.Exit(status)


def _course_file(config: Path | None) -> Path:
    from grader.config_discovery import find_course_toml

    return config or find_course_toml()


def _reported(command):
    """Runs ``command`` with the one way every command reports failure (see the module's doc)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as error:
            fail_line(str(error))
        except GradingInterrupted as stop:
            fail_line(str(stop), 128 + stop.signum)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception:  # a bug in the grader, never the input's fault: the traceback is the report
            traceback.print_exc()
            raise typer.Exit(INTERNAL_ERROR) from None

    return run


def _command(name: str):
    return lambda function: app.command(name)(_reported(function))


def _shown(text: str) -> str:
    """A name from a download or a student, printed plainly: visible characters, on one line."""
    from grader.safe_text import clean_text

    return clean_text(text.replace("\n", "\\n"), limit=300)


@app.callback()
def _root() -> None:
    """Build, release and grade the Neural Network Foundations course."""


# -- build and check --------------------------------------------------------------------------
@_command("build")
def build_command(
    assignments: Annotated[Optional[list[str]], typer.Argument(
        help="Slugs to build, e.g. 01_activations (default: every assignment in course.toml).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Build directory (default: [course] build_dir of course.toml).")] = _BUILD["out"],
    config: Config = None,
) -> None:
    """Build nbgrader source notebooks, student releases and autograder bundles."""
    start = time.perf_counter()
    built = build(config=_course_file(config), assignments=assignments or (), out=out)
    for assignment in built:
        typer.echo(f"built {assignment.slug}: {len(assignment.files)} files")
    typer.echo(f"{len(built)} assignment(s) in {time.perf_counter() - start:.1f} s")


@_command("selftest")
def selftest_command(
    assignments: Annotated[Optional[list[str]], typer.Argument(help="Slugs (default: all).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders.")] = _SELFTEST["jobs"],
    config: Config = None,
    records: Annotated[Optional[Path], typer.Option(
        "--records", help="Also write each case's grading record to DIR/<slug>/<case>.json.")] = _SELFTEST["records"],
    summary: Annotated[bool, typer.Option(
        "--summary", help="Also print, per assignment, mutants, alternatives and the share of mutants whose "
                          "feedback says more than \"wrong values\".")] = False,
) -> None:
    """Check that each hidden suite grades right: reference full, release zero, mutants caught, alternatives full."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if jobs is not None and jobs < 1:
        raise BadArguments(f"--jobs {jobs}: must be at least 1")
    outcomes = selftest(assignments=assignments or (), config=_course_file(config), jobs=jobs, records=records)
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
        from grader.selftest.summary import summary_table

        Console(width=200).print(summary_table(outcomes))
    bad = [o for o in outcomes if not o.ok]
    Console().print(f"{len(outcomes) - len(bad)} of {len(outcomes)} cases graded as expected")
    if bad:
        raise typer.Exit(1)


# -- grade ------------------------------------------------------------------------------------
def _summary(result, assignment: str) -> str:
    line = f"outputs in {result.out / assignment}"
    if result.grader_errors:
        names = ", ".join(r.student for r in result.grader_errors[:5])
        line += (f"; {len(result.grader_errors)} submission(s) could not be graded (grader error: {names}"
                 f"{', ...' if len(result.grader_errors) > 5 else ''}): run the same command again to retry them")
    if result.crashed:
        line += f"; {len(result.crashed)} submission(s) crashed the grading process and scored 0"
    return line


@_command("grade")
def grade_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug, e.g. 01_activations.")],
    paths: Annotated[list[Path], typer.Argument(
        help="Submissions: an nbgrader submitted/ tree, a folder of <student>.ipynb|.py, or files.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (gradebook, records, feedback, report).")] = _GRADE["out"],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders (default: number of cores).")] = _GRADE["jobs"],
    force: Annotated[bool, typer.Option("--force", help="Regrade submissions already in the gradebook.")] = _GRADE["force"],
    isolation: Annotated[str, typer.Option("--isolation", help=f"One of {', '.join(ISOLATION_LEVELS)}.")] = _GRADE["isolation"],
    config: Config = None,
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
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Grade on the Dask cluster of this scheduler, e.g. tls://host:8786 (docs/dask.md).")]
        = _GRADE["scheduler"],
    dask_local: Annotated[Optional[int], typer.Option(
        "--dask-local", help="Grade on a local Dask cluster of N worker processes.")] = _GRADE["dask_local"],
) -> None:
    """Grade submissions of one assignment in sandboxed workers; write gradebook, feedback and report."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from grader.export.escape import terminal_text

    console = Console(stderr=True)
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, disable=not sys.stderr.isatty())
    task = None

    def on_progress(student, record):
        if task is not None:
            progress.advance(task)

    with progress:
        task = progress.add_task(f"grading {assignment}", total=None)
        result = grading.grade(assignment=assignment, paths=paths, out=out, jobs=jobs, force=force,
                               isolation=isolation, config=_course_file(config), dry_run=dry_run,
                               junit=junit, nbgrader_db=nbgrader_db, on_progress=on_progress,
                               roster=roster, submitted_at=parse_submitted_at(submitted_at),
                               on_warning=lambda text: console.print(escape(text), style="yellow", soft_wrap=True),
                               scheduler=scheduler, dask_local=dask_local)
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


def parse_submitted_at(text: str | None) -> datetime | None:
    """``--submitted-at``: an ISO 8601 time (naive = UTC)."""
    from grader.lifecycle.late import parse_time

    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise BadArguments(f"--submitted-at {text!r}: not a time (e.g. 2026-10-06T10:00+02:00)") from None


# -- the course's life: new, release, collect, export, similarity -----------------------------
@_command("new")
def new_command(
    slug: Annotated[str, typer.Argument(help="attention (numbered after the last assignment) or 09_attention.")],
    title: Annotated[Optional[str], typer.Option("--title", help="Shown to students (default: from the slug).")] = None,
    due: Annotated[Optional[str], typer.Option(
        "--due", help="Deadline with a UTC offset, e.g. 2026-11-30T23:59+01:00 (default: a week after the last).")] = None,
    config: Config = None,
) -> None:
    """Scaffold a new assignment (source, checks, hidden test, self-test cases) and its course.toml entry."""
    from grader.lifecycle.scaffold import new_assignment

    try:
        deadline = datetime.fromisoformat(due) if due else None
    except ValueError:
        raise BadArguments(f"--due {due!r}: not a date and time (e.g. 2026-11-30T23:59+01:00)") from None
    made = new_assignment(slug, config=_course_file(config), title=title, due=deadline)
    root = made.config.parent
    for path in made.files:
        typer.echo(f"created {path.relative_to(root)}")
    typer.echo(f"added [[assignments]] {made.slug} to {made.config.name}")
    typer.echo(f"next: course build {made.slug} && course selftest {made.slug}, then replace the example task")


@_command("release")
def release_command(
    assignments: Annotated[list[str], typer.Argument(help="Slugs to release, e.g. 01_activations.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the zips.")] = Path("releases"),
    config: Config = None,
) -> None:
    """Build each assignment afresh and zip its student hand-out (deterministic bytes) for an LMS."""
    import zipfile

    from grader.lifecycle.release import release

    for slug in assignments:
        path = release(slug=slug, config=_course_file(config), out=out)
        with zipfile.ZipFile(path) as archive:
            names = ", ".join(n.split("/", 1)[1] for n in archive.namelist())
        typer.echo(f"released {slug}: {path} ({path.stat().st_size} bytes: {names})")


@_command("collect")
def collect_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    source: Annotated[Path, typer.Argument(help="The LMS's bulk download: a zip or a folder (Canvas, Moodle, or <student>.ipynb files).")],
    roster: Annotated[Path, typer.Option("--roster", help="Roster CSV (student_id plus the LMS's ids or names).")],
    out: Annotated[Path, typer.Option("--out", help="The nbgrader submitted/ tree to write.")] = _COLLECT["out"],
    archive_timezone: Annotated[str, typer.Option(
        "--archive-timezone", help="Time zone of zip times without a UTC stamp.")] = _COLLECT["archive_timezone"],
    config: Config = None,
) -> None:
    """Turn an LMS bulk download into submitted/<student>/<slug>/ with timestamp.txt; report every file."""
    report = lifecycle.collect(assignment=assignment, source=source, roster=roster, out=out,
                               config=_course_file(config), archive_timezone=archive_timezone)
    for student, found in report.collected:
        late = " (Canvas: LATE)" if found.name.flagged_late else ""
        typer.echo(f"collected {student}: {_shown(found.member)} [{found.name.convention}, "
                   f"{found.time:%Y-%m-%d %H:%M} UTC]{late}")
    for student, found in report.superseded:
        typer.echo(f"superseded {student}: {_shown(found.member)} (an older file; the latest is graded)")
    for student, found in report.not_notebooks:
        typer.echo(f"not a notebook {student}: {_shown(found.member)} (not graded)")
    for found, why in report.unmatched:
        typer.echo(f"unmatched: {_shown(found.member)}: {_shown(why)}")
    for member, why in report.ignored:
        typer.echo(f"ignored: {_shown(member)}: {why}")
    if report.missing:
        typer.echo(f"no submission: {', '.join(report.missing)}")
    typer.echo(f"{len(report.collected)} collected into {out}, {len(report.superseded)} superseded, "
               f"{len(report.not_notebooks)} not notebooks, {len(report.unmatched)} unmatched, "
               f"{len(report.ignored)} ignored, {len(report.missing)} without a submission")


@_command("export")
def export_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(EXPORT_FORMATS)}.")] = _EXPORT["fmt"],
    grades: Annotated[Path, typer.Option("--grades", help="The --out of course grade.")] = _EXPORT["grades"],
    roster: Annotated[Optional[Path], typer.Option("--roster", help="Roster CSV (needed for canvas, moodle).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="The CSV to write.")] = None,
    column: Annotated[Optional[str], typer.Option(
        "--column", help="The LMS's grade column, e.g. 'Activations (12345)' (default: the title).")] = None,
    config: Config = None,
) -> None:
    """Write final scores (late penalties applied, rounded) in the CSV an LMS's grade import expects."""
    path, result = lifecycle.export(assignment=assignment, fmt=fmt, grades=grades, roster=roster, out=out,
                                    column=column, config=_course_file(config))
    typer.echo(f"wrote {path}: {result.rows} student(s) with a score ({fmt})")
    if result.ungraded:
        typer.echo(f"no grade (left blank): {', '.join(result.ungraded)}")
    if result.grader_errors:
        typer.echo(f"grader errors (left blank; run course grade again): {_shown(', '.join(result.grader_errors))}")
    if result.not_on_roster:
        typer.echo(f"graded but not on the roster (not exported): {_shown(', '.join(result.not_on_roster))}")


@_command("similarity")
def similarity_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    paths: Annotated[list[Path], typer.Argument(help="Submissions, as for course grade.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (report in <out>/<slug>/similarity/).")] = _SIMILARITY["out"],
    shown: Annotated[int, typer.Option("--shown", help="Pairs shown side by side.")] = _SIMILARITY["shown"],
    config: Config = None,
) -> None:
    """Compare every pair of submissions' code (copydetect); HTML report. Never changes a grade."""
    result = lifecycle.similarity(assignment=assignment, paths=paths, out=out, shown=shown,
                                  config=_course_file(config))
    for pair in result.pairs[:5]:
        typer.echo(f"{pair.score:4.0%}  {_shown(pair.first)} ~ {_shown(pair.second)}")
    typer.echo(f"{len(result.pairs)} pairs compared; report: {result.report} (all pairs: {result.table})")


# -- the README's main job and the demo -------------------------------------------------------
@_command("main")
def main_command(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel graders (default: cores).")] = None,
    config: Config = None,
) -> None:
    """The main job, end to end: build the course, grade sample submissions, write the report, run the demo."""
    from grader.main_job import run, run_demo

    if jobs is not None and jobs < 1:
        raise BadArguments(f"--jobs {jobs}: must be at least 1")
    run(config=_course_file(config), out=out, jobs=jobs)
    run_demo()


@_command("demo")
def demo_command() -> None:
    """Train the reference MLP on the bundled 8x8 digits and print its test accuracy."""
    from grader.main_job import run_demo

    run_demo()


if __name__ == "__main__":
    app()
