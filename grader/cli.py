"""The ``course`` command line: a thin layer over plain functions with keyword-only options.

Defaults are read from those functions (``__kwdefaults__``), so each is written once. Bad input
(course.toml, an assignment source) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.build import build
from grader.build.errors import BuildError
from grader.config import ConfigError
from grader.config_discovery import find_course_toml

app = typer.Typer(
    name="course",
    help="Build, release and grade the Neural Network Foundations course.",
    no_args_is_help=True,
    add_completion=False,
)

BAD_INPUT = 2
_BUILD = build.__kwdefaults__
CONFIG_HELP = "The course file (default: the nearest course.toml at or above this folder, as git finds .git)."


def fail_line(message: str, status: int = BAD_INPUT) -> None:
    """``error: message`` as exactly one line on stderr, whatever the terminal's width and whatever
    the message holds (a student's file name included), then exit with ``status``."""
    from grader.safe_text import clean_text

    text = clean_text(" ".join(message.split()), limit=2000)
    prefix = "\x1b[31merror:\x1b[0m" if sys.stderr.isatty() else "error:"
    sys.stderr.write(f"{prefix} {text}\n")
    sys.stderr.flush()
    raise typer.Exit(status)


@app.callback()
def _root() -> None:
    """Build, release and grade the Neural Network Foundations course."""


@app.command("build")
def build_command(
    assignments: Annotated[Optional[list[str]], typer.Argument(
        help="Slugs to build, e.g. 01_activations (default: every assignment in course.toml).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Build directory (default: [course] build_dir of course.toml).")] = _BUILD["out"],
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
) -> None:
    """Build nbgrader source notebooks, student releases and autograder bundles."""
    start = time.perf_counter()
    try:
        built = build(config=config or find_course_toml(), assignments=assignments or (), out=out)
    except (ConfigError, BuildError) as exc:
        fail_line(str(exc))
    for assignment in built:
        typer.echo(f"built {assignment.slug}: {len(assignment.files)} files")
    typer.echo(f"{len(built)} assignment(s) in {time.perf_counter() - start:.1f} s")


@app.command("demo")
def demo_command() -> None:
    """Train the reference MLP on the bundled 8x8 digits and print its test accuracy."""
    from grader.main_job import run_demo

    run_demo()


# Registers `course grade` and `course selftest` on `app` (kept in their own module).
from grader import cli_grading  # noqa: E402,F401

if __name__ == "__main__":
    app()
