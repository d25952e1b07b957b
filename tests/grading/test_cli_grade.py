"""`course grade`: one line and exit code 2 on bad input; a summary table and outputs otherwise."""

import shutil
from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_assignment_and_missing_path_are_one_line_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["grade", "09_nope", str(tmp_path), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 2 and "no assignment '09_nope'" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["grade", "01_activations", str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
                                 "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 2 and "no such file or directory" in result.output


def test_grade_a_flat_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "subs").mkdir()
    shutil.copy(ROOT / "assignments" / "01_activations" / "selftest" / "alternatives" /
                sorted(p.name for p in (ROOT / "assignments" / "01_activations" / "selftest" / "alternatives").glob("*.py"))[0],
                tmp_path / "subs" / "ada.py")
    result = CliRunner().invoke(app, ["grade", "01_activations", "subs", "--out", "grades", "--jobs", "1",
                                      "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 0, result.output
    assert "ada" in result.output and "1 graded, 0 unchanged" in result.output
    assert (tmp_path / "grades" / "01_activations" / "ada" / "feedback.html").exists()
