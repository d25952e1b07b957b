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


def _course(*args, cwd, env=None):
    import os
    import subprocess
    import sys

    course = Path(sys.executable).parent / "course"
    return subprocess.run([str(course), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "40", **(env or {})})


def test_bad_input_is_one_line_whatever_the_width_and_writes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    long_name = tmp_path / ("a-very-long-folder-name-" * 6)
    cases = [
        ["grade", "01_activations", str(long_name)],
        ["grade", "01_activations", str(tmp_path / "empty")],
        ["grade", "09_nope", str(tmp_path / "empty")],
        ["grade", "01_activations", str(tmp_path / "empty"), "--jobs", "0"],
        ["grade", "01_activations", str(tmp_path / "empty"), "--isolation", "none"],
    ]
    for args in cases:
        result = _course(*args, "--config", str(ROOT / "course.toml"), cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"], "bad input wrote something"
    assert not (ROOT / "build" / "autograder" / "09_nope").exists()


def test_grader_errors_make_exit_code_1_and_are_named_in_the_summary(tmp_path):
    from grader.grading.faults import ENVIRONMENT_VARIABLE

    alternatives = ROOT / "assignments" / "01_activations" / "selftest" / "alternatives"
    (tmp_path / "subs").mkdir()
    source = sorted(alternatives.glob("*.py"))[0]
    for student in ("ada", "bob"):
        shutil.copy(source, tmp_path / "subs" / f"{student}.py")
    result = _course("grade", "01_activations", "subs", "--out", "grades", "--jobs", "2",
                     "--config", str(ROOT / "course.toml"), cwd=tmp_path, env={ENVIRONMENT_VARIABLE: "suite:bob"})
    assert result.returncode == 1, result.stderr
    assert "1 submission(s) could not be graded (grader error: bob)" in " ".join(result.stdout.split())
    record = (tmp_path / "grades" / "01_activations" / "bob" / "record.json").read_text()
    assert '"status": "grader_error"' in record
    rerun = _course("grade", "01_activations", "subs", "--out", "grades", "--config", str(ROOT / "course.toml"),
                    cwd=tmp_path)
    assert rerun.returncode == 0 and "1 graded, 1 unchanged" in rerun.stdout, rerun.stdout + rerun.stderr
