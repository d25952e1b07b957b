"""``course new``, ``release``, ``collect``, ``export`` and ``similarity``: typer wrappers over
``grader.lifecycle`` (see its modules for what each does)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.build.errors import BuildError
from grader.cli import app, fail_line
from grader.commands import BadArguments
from grader.config import ConfigError
from grader.discover import DiscoveryError
from grader.lifecycle import commands
from grader.lifecycle.collect import CollectError
from grader.lifecycle.lms_export import FORMATS, ExportError
from grader.lifecycle.roster import RosterError
from grader.safe_text import clean_text

_USER_ERRORS = (ConfigError, BuildError, BadArguments, DiscoveryError, RosterError, CollectError, ExportError)
_COLLECT = commands.collect.__kwdefaults__
_EXPORT = commands.export.__kwdefaults__
_SIMILARITY = commands.similarity.__kwdefaults__
Config = Annotated[Path, typer.Option("--config", help="The course file.")]


def _shown(text: str) -> str:
    """A name from a download or a student, printed plainly: visible characters, on one line."""
    return clean_text(text.replace("\n", "\\n"), limit=300)


@app.command("new")
def new_command(
    slug: Annotated[str, typer.Argument(help="attention (numbered after the last assignment) or 09_attention.")],
    title: Annotated[Optional[str], typer.Option("--title", help="Shown to students (default: from the slug).")] = None,
    due: Annotated[Optional[str], typer.Option(
        "--due", help="Deadline with a UTC offset, e.g. 2026-11-30T23:59+01:00 (default: a week after the last).")] = None,
    config: Config = Path("course.toml"),
) -> None:
    """Scaffold a new assignment (source, checks, hidden test, self-test cases) and its course.toml entry."""
    from grader.lifecycle.scaffold import new_assignment

    try:
        deadline = datetime.fromisoformat(due) if due else None
    except ValueError:
        fail_line(f"--due {due!r}: not a date and time (e.g. 2026-11-30T23:59+01:00)")
    try:
        made = new_assignment(slug, config=config, title=title, due=deadline)
    except _USER_ERRORS as error:
        fail_line(str(error))
    root = made.config.parent
    for path in made.files:
        typer.echo(f"created {path.relative_to(root)}")
    typer.echo(f"added [[assignments]] {made.slug} to {made.config.name}")
    typer.echo(f"next: course build {made.slug} && course selftest {made.slug}, then replace the example task")


@app.command("release")
def release_command(
    assignments: Annotated[list[str], typer.Argument(help="Slugs to release, e.g. 01_activations.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the zips.")] = Path("releases"),
    config: Config = Path("course.toml"),
) -> None:
    """Build each assignment afresh and zip its student hand-out (deterministic bytes) for an LMS."""
    import zipfile

    for slug in assignments:
        try:
            path = commands.release(slug=slug, config=config, out=out)
        except _USER_ERRORS as error:
            fail_line(str(error))
        with zipfile.ZipFile(path) as archive:
            names = ", ".join(n.split("/", 1)[1] for n in archive.namelist())
        typer.echo(f"released {slug}: {path} ({path.stat().st_size} bytes: {names})")


@app.command("collect")
def collect_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    source: Annotated[Path, typer.Argument(help="The LMS's bulk download: a zip or a folder (Canvas, Moodle, or <student>.ipynb files).")],
    roster: Annotated[Path, typer.Option("--roster", help="Roster CSV (student_id plus the LMS's ids or names).")],
    out: Annotated[Path, typer.Option("--out", help="The nbgrader submitted/ tree to write.")] = _COLLECT["out"],
    archive_timezone: Annotated[str, typer.Option(
        "--archive-timezone", help="Time zone of zip times without a UTC stamp.")] = _COLLECT["archive_timezone"],
    config: Config = Path(_COLLECT["config"]),
) -> None:
    """Turn an LMS bulk download into submitted/<student>/<slug>/ with timestamp.txt; report every file."""
    try:
        report = commands.collect(assignment=assignment, source=source, roster=roster, out=out,
                                  config=config, archive_timezone=archive_timezone)
    except _USER_ERRORS as error:
        fail_line(str(error))
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


@app.command("export")
def export_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = _EXPORT["fmt"],
    grades: Annotated[Path, typer.Option("--grades", help="The --out of course grade.")] = _EXPORT["grades"],
    roster: Annotated[Optional[Path], typer.Option("--roster", help="Roster CSV (needed for canvas, moodle).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="The CSV to write.")] = None,
    column: Annotated[Optional[str], typer.Option(
        "--column", help="The LMS's grade column, e.g. 'Activations (12345)' (default: the title).")] = None,
    config: Config = Path(_EXPORT["config"]),
) -> None:
    """Write final scores (late penalties applied, rounded) in the CSV an LMS's grade import expects."""
    try:
        path, result = commands.export(assignment=assignment, fmt=fmt, grades=grades, roster=roster, out=out,
                                       column=column, config=config)
    except _USER_ERRORS as error:
        fail_line(str(error))
    typer.echo(f"wrote {path}: {result.rows} student(s) with a score ({fmt})")
    if result.ungraded:
        typer.echo(f"no grade (left blank): {', '.join(result.ungraded)}")
    if result.grader_errors:
        typer.echo(f"grader errors (left blank; run course grade again): {_shown(', '.join(result.grader_errors))}")
    if result.not_on_roster:
        typer.echo(f"graded but not on the roster (not exported): {_shown(', '.join(result.not_on_roster))}")


@app.command("similarity")
def similarity_command(
    assignment: Annotated[str, typer.Argument(help="Assignment slug.")],
    paths: Annotated[list[Path], typer.Argument(help="Submissions, as for course grade.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (report in <out>/<slug>/similarity/).")] = _SIMILARITY["out"],
    shown: Annotated[int, typer.Option("--shown", help="Pairs shown side by side.")] = _SIMILARITY["shown"],
    config: Config = Path(_SIMILARITY["config"]),
) -> None:
    """Compare every pair of submissions' code (copydetect); HTML report. Never changes a grade."""
    try:
        result = commands.similarity(assignment=assignment, paths=paths, out=out, shown=shown, config=config)
    except _USER_ERRORS as error:
        fail_line(str(error))
    for pair in result.pairs[:5]:
        typer.echo(f"{pair.score:4.0%}  {_shown(pair.first)} ~ {_shown(pair.second)}")
    typer.echo(f"{len(result.pairs)} pairs compared; report: {result.report} (all pairs: {result.table})")
