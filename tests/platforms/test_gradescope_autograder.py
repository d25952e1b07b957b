"""The Gradescope autograder as Gradescope runs it: autograder.zip unpacked into a root of its
own, setup.sh's install steps into a fresh environment, run_autograder on a submission; its
results.json must follow Gradescope's documented format and equal what `course grade` gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from grader.export.gradescope import gradescope_results
from grader.records import SubmissionRecord
from tests.platforms.conftest import BIN, SECRET, SLUG, course

# https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format")
TOP_FIELDS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
              "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_FIELDS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
               "tags", "visibility", "extra_data"}
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}

pytestmark = pytest.mark.slow


def check_gradescope_format(results: dict) -> None:
    assert set(results) <= TOP_FIELDS, set(results) - TOP_FIELDS
    assert isinstance(results["score"], (int, float)) and isinstance(results["tests"], list)
    assert results.get("visibility", "visible") in VISIBILITIES
    assert results.get("stdout_visibility", "hidden") in VISIBILITIES
    for test in results["tests"]:
        assert set(test) <= TEST_FIELDS, set(test) - TEST_FIELDS
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in {"passed", "failed"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["number"], str) and all(isinstance(t, str) for t in test["tags"])
        assert test["visibility"] in VISIBILITIES
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-4


def test_the_zip_is_deterministic(built, course_toml, tmp_path):
    again = tmp_path / "again"
    course("build", SLUG, "--out", str(again), "--config", str(course_toml), cwd=tmp_path)
    first = (built / "autograder" / SLUG / "autograder.zip").read_bytes()
    assert (again / "autograder" / SLUG / "autograder.zip").read_bytes() == first


def test_autograder_in_a_simulated_gradescope_root(built, course_toml, samples, tmp_path):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    # unzip, as Gradescope does: it keeps the scripts' executable bits
    subprocess.run(["unzip", "-q", str(built / "autograder" / SLUG / "autograder.zip"), "-d", str(root / "source")],
                   check=True)
    assert {"setup.sh", "run_autograder", "requirements.txt", "secret"} <= {p.name for p in (root / "source").iterdir()}
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    env = {**os.environ, "NNF_AUTOGRADER_ROOT": str(root), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for key in ("VIRTUAL_ENV", "PYTHONPATH", "NNF_COURSE_SECRET"):
        env.pop(key, None)
    # setup.sh's install steps: uv is on PATH, so it goes straight to the fresh venv + pinned packages
    subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, check=True, capture_output=True)
    python = root / "venv" / "bin" / "python"
    located = subprocess.run([str(python), "-c", "import grader, reference; print(grader.__file__)"],
                             capture_output=True, text=True, env=env, check=True, cwd=root).stdout
    assert str(root / "venv") in located  # the framework as installed, not this checkout

    submitted = root / "submission" / f"{SLUG}.ipynb"
    submitted.parent.mkdir()
    buggy = next(samples.glob(f"buggy-*/{SLUG}/{SLUG}.ipynb"))
    shutil.copy(buggy, submitted)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.edu"}]}))
    run = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    text = (root / "results" / "results.json").read_text()
    results = json.loads(text)
    check_gradescope_format(results)
    assert 0 < results["score"] < sum(t["max_score"] for t in results["tests"])  # the bug costs points, the rest earns them
    assert results["stdout_visibility"] == "hidden"  # run_autograder's own output is for instructors
    assert SECRET not in text and SECRET not in run.stdout + run.stderr

    # the same file, the same student id, graded by `course grade`: the same results
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(buggy, flat / "ada@example.edu.ipynb")
    course("grade", SLUG, str(flat), "--out", str(tmp_path / "grades"), "--jobs", "1",
           "--config", str(course_toml), cwd=tmp_path)
    [record_file] = (tmp_path / "grades" / SLUG).glob("*/record.json")
    record = SubmissionRecord.from_json(record_file.read_text())
    assert record.student == "ada@example.edu"
    assert results == json.loads(json.dumps(gradescope_results(record)))
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all(t["output"] for t in failed)  # our diagnoses, as `course grade` wrote them
    hidden = {t.name for t in record.tests if t.visibility == "hidden"}
    assert hidden == {t["name"] for t in results["tests"] if t["visibility"] == "hidden"}


def test_a_submission_without_a_notebook_gets_a_zero_that_says_what_to_upload(built, tmp_path):
    from grader.grading.gradescope_run import run

    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    subprocess.run(["unzip", "-q", str(built / "autograder" / SLUG / "autograder.zip"), "-d", str(root / "source")],
                   check=True)
    (root / "submission").mkdir()
    (root / "submission" / "notes.txt").write_text("I could not do it")
    record = run(root=root)
    results = json.loads((root / "results" / "results.json").read_text())
    check_gradescope_format(results)
    assert record.score == 0 and results["score"] == 0 and f"upload {SLUG}.ipynb" in results["output"]
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(22)  # Gradescope's total stays right
