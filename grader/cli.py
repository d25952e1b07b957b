"""The ``course`` command line: a thin layer over plain functions with keyword-only options."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="course",
    help="Build, release and grade the Neural Network Foundations course.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Build, release and grade the Neural Network Foundations course."""


@app.command("demo")
def demo_command() -> None:
    """Train the reference MLP on the bundled 8x8 digits and print its test accuracy."""
    from grader.main_job import run_demo

    run_demo()


if __name__ == "__main__":
    app()
