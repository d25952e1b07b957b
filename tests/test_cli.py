"""The command line's one contract: a UserError is one line and exit 2, anything else a bug
(traceback, exit 3), for every command; and it loads no heavy module to show its help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader import cli
from grader.errors import UserError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("raised, status", [(UserError("course.toml: x: wrong"), 2),
                                            (ValueError("not the user's fault"), 3),
                                            (KeyError("a bug"), 3)])
def test_every_command_reports_a_user_error_as_a_line_and_a_bug_as_a_traceback(monkeypatch, raised, status):
    def failing(**kwargs):
        raise raised

    monkeypatch.setattr(cli.lifecycle, "export", failing)
    result = CliRunner().invoke(cli.app, ["export", "01_activations", "--config", str(ROOT / "course.toml")])
    assert result.exit_code == status
    if status == 2:
        assert result.output == "error: course.toml: x: wrong\n"
    else:
        assert "Traceback" in result.output and type(raised).__name__ in result.output


def test_selftest_finds_the_course_from_a_subfolder(monkeypatch):
    seen = {}

    def recording(**kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr(cli, "selftest", recording)
    monkeypatch.chdir(ROOT / "assignments" / "01_activations")
    result = CliRunner().invoke(cli.app, ["selftest", "01_activations"])
    assert result.exit_code == 0, result.output
    assert seen["config"] == ROOT / "course.toml" and seen["assignments"] == ["01_activations"]


def test_help_imports_no_numpy_pytest_or_nbformat():
    code = ("import sys; from grader.cli import app; "
            "print(sorted(m for m in ('numpy', 'pytest', 'nbformat', 'scipy', 'rich') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_main_job_is_a_course_command():
    result = CliRunner().invoke(cli.app, ["main", "--help"])
    assert result.exit_code == 0 and "--out" in result.output and "--jobs" in result.output
