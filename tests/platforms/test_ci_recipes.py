"""docs/ci.md's recipes, run as written: the shell commands of each YAML block (all but the
install step, which this test's environment has already done) on a small copy of the course,
then the exit codes a pipeline acts on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from typer.testing import CliRunner

from tests.platforms.conftest import BIN, ROOT, SECRET, SLUG, copy_course

pytestmark = pytest.mark.slow


def recipes() -> dict[str, list[str]]:
    """Job name -> its shell commands, from every YAML block of docs/ci.md (GitHub: the run: of
    each step; GitLab: the script: lines), install commands left out."""
    text = (ROOT / "docs" / "ci.md").read_text()
    jobs: dict[str, list[str]] = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        doc = yaml.safe_load(block)
        if "jobs" in doc:  # GitHub Actions
            for name, job in doc["jobs"].items():
                jobs[f"github:{doc['name']}:{name}"] = [s["run"] for s in job["steps"] if "run" in s]
        else:  # GitLab CI
            jobs.update({f"gitlab:{name}": list(job["script"]) for name, job in doc.items()})
    for commands in jobs.values():
        assert "pip install" in commands[0] and "-e ." in commands[0]  # the install step, first
        del commands[0]
    return jobs


def _run(commands: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "NNF_COURSE_SECRET": SECRET}
    script = "set -e\n" + "\n".join(commands)
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def test_both_platforms_run_the_same_commands():
    jobs = recipes()
    assert set(jobs) == {"github:grade submissions:grade", "github:check the course:check",
                         "gitlab:grade-submissions", "gitlab:check-course"}
    assert jobs["github:grade submissions:grade"] == jobs["gitlab:grade-submissions"]
    assert " ".join(jobs["github:check the course:check"]).split() == " ".join(jobs["gitlab:check-course"]).split()


def test_grading_recipe_on_a_folder_of_submissions(samples, tmp_path):
    copy_course(tmp_path, selftest_cases=1)
    folder = tmp_path / "submissions" / SLUG
    folder.mkdir(parents=True)
    shutil.copy(samples / "complete" / SLUG / f"{SLUG}.ipynb", folder / "ada.ipynb")
    shutil.copy(next(samples.glob(f"buggy-*/{SLUG}/{SLUG}.ipynb")), folder / "bob.ipynb")
    grade = recipes()["gitlab:grade-submissions"]
    result = _run(grade, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    junit = ElementTree.parse(tmp_path / "grades" / f"junit-{SLUG}.xml").getroot()
    assert [s.get("name") for s in junit.findall("testsuite")] == [f"{SLUG}.ada", f"{SLUG}.bob"]
    assert int(junit.get("failures")) > 0 and junit.get("errors") == "0"
    assert (tmp_path / "grades" / SLUG / "gradebook.csv").exists()

    # a folder named after no assignment: exit 2 for the pipeline, the other assignments graded
    (tmp_path / "submissions" / "09_typo").mkdir()
    shutil.copy(folder / "ada.ipynb", tmp_path / "submissions" / "09_typo" / "ada.ipynb")
    result = _run(grade, tmp_path)
    assert result.returncode == 2 and "no assignment '09_typo'" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and (tmp_path / "grades" / f"junit-{SLUG}.xml").exists()


def test_course_checking_recipe(tmp_path):
    copy_course(tmp_path, selftest_cases=1)
    result = _run(recipes()["gitlab:check-course"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "build" / "autograder" / SLUG / "autograder.zip").exists()
    assert re.search(r"\b(\d+) of \1 cases graded as expected", result.stdout), result.stdout
    # a mutant the suite cannot catch fails the pipeline
    mutant = tmp_path / "assignments" / SLUG / "selftest" / "mutants" / "not_a_bug.py"
    mutant.write_text("# selftest: mutant\n# description: the reference itself\n# expect-lose: relu_forward\n")
    result = _run(recipes()["gitlab:check-course"], tmp_path)
    assert result.returncode == 1 and "WRONG" in result.stdout


def test_a_grader_bug_exits_3_with_its_traceback(monkeypatch, tmp_path):
    from grader.grading import commands
    from grader.cli import app

    def broken(**kwargs):
        raise KeyError("a bug in the grader")

    monkeypatch.setattr(commands, "grade", broken)
    result = CliRunner().invoke(app, ["grade", SLUG, str(tmp_path), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 3 and "KeyError: 'a bug in the grader'" in result.output
    assert "Traceback" in result.output
