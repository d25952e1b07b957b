"""No single submission stops a batch: a failure injected at each stage of grading one student
becomes that student's record, the batch completes, and everyone else's record is the one a
clean run gives."""

from __future__ import annotations

import json
import sqlite3

import pytest

from grader.grading.batch import grade_batch
from grader.grading.faults import ENVIRONMENT_VARIABLE
from tests.grading.grader_process import start_grader
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

HONEST = '''
import numpy as np

def relu_forward(x):
    return np.maximum(x, 0) * {scale}, x

def tanh_forward(x):
    return np.tanh(x), None
'''

# Every class body runs under "definitions only", so each cell kills its worker again: the
# restart budget runs out while the submission is still being loaded.
KILLS_EVERY_WORKER = "".join(f"# %%\nclass K{i}:\n    import os; os.kill(os.getpid(), 9)\n\n" for i in range(30))

STAGE_OUTCOME = {
    "read": "grader_error", "extract": "grader_error", "worker": "grader_error", "suite": "grader_error",
    "record": "grader_error", "result": "grader_error", "export": "grader_error", "pool": "crashed",
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return small_bundle(tmp_path_factory.mktemp("containment") / "build", RELU_TANH_SUITE,
                        ("relu_forward", "tanh_forward"))


def _submissions(folder, names):
    folder.mkdir()
    for i, name in enumerate(names):
        (folder / f"{name}.py").write_text(HONEST.format(scale=1 if i % 2 else 2))
    return folder


def _records(out) -> dict[str, dict]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = db.execute("SELECT student, record_json FROM submissions").fetchall()
    return {student: json.loads(text) for student, text in rows}


@pytest.mark.slow
def test_a_fault_at_any_stage_costs_only_that_submission(bundle, tmp_path):
    stages = list(STAGE_OUTCOME)
    names = [f"at_{stage}" for stage in stages] + ["honest_a", "honest_b"]
    subs = _submissions(tmp_path / "subs", names)
    clean = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / "clean", secret="s", jobs=2)
    assert all(r.status == "graded" for r in clean.records)

    faults = ",".join(f"{stage}:at_{stage}" for stage in stages)
    grader = start_grader(bundle, [subs], tmp_path / "faulty", env={ENVIRONMENT_VARIABLE: faults})
    stdout, stderr = grader.communicate(timeout=300)
    assert grader.returncode == 0, stderr
    assert "graded 10" in stdout and "grader_errors 7" in stdout

    records = _records(tmp_path / "faulty")
    assert sorted(records) == sorted(names), "every submission has exactly one record"
    clean_records = {r.student: json.loads(r.to_json()) for r in clean.records}
    for stage, status in STAGE_OUTCOME.items():
        record = records[f"at_{stage}"]
        assert record["status"] == status, stage
        assert record["score"] == 0 and all(t["status"] == status for t in record["tests"]), stage
        assert "Traceback" not in record["problems"][0] and "\n" not in record["problems"][0]
    for name in ("honest_a", "honest_b"):
        assert {**records[name], "extra": {}} == {**clean_records[name], "extra": {}}
    # The export fault left a readable feedback file saying what happened.
    feedback = (tmp_path / "faulty" / bundle.slug / "at_export" / "feedback.md").read_text()
    assert "writing the feedback" in feedback and "not your fault" in feedback
    assert "at_pool" in (tmp_path / "faulty" / bundle.slug / "gradebook.csv").read_text()


@pytest.mark.slow
def test_grader_errors_are_graded_again_on_the_next_run(bundle, tmp_path):
    subs = _submissions(tmp_path / "subs", ["ada", "bob"])
    out = tmp_path / "out"
    grader = start_grader(bundle, [subs], out, env={ENVIRONMENT_VARIABLE: "suite:ada"})
    stdout, stderr = grader.communicate(timeout=300)
    assert grader.returncode == 0 and "grader_errors 1" in stdout, stderr
    rerun = grade_batch(bundle=bundle, paths=[subs], out=out, secret="s", jobs=1)
    assert rerun.graded == ["ada"] and rerun.skipped == ["bob"] and not rerun.grader_errors
    assert {r.student: r.status for r in rerun.records} == {"ada": "graded", "bob": "graded"}


@pytest.mark.slow
def test_a_submission_that_keeps_killing_its_worker_is_graded_and_the_batch_goes_on(bundle, tmp_path):
    subs = _submissions(tmp_path / "subs", ["after", "before"])
    (subs / "crasher.py").write_text(KILLS_EVERY_WORKER)
    result = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / "out", secret="s", jobs=2)
    by_student = {r.student: r for r in result.records}
    assert sorted(by_student) == ["after", "before", "crasher"]
    crasher = by_student["crasher"]
    assert crasher.status == "graded" and crasher.score == 0
    assert any("could not be loaded" in p and "restarted" in p for p in crasher.problems)
    assert {t.status for t in crasher.tests} <= {"crashed", "missing"}
    assert by_student["after"].score > 0 and by_student["before"].score > 0
    assert (tmp_path / "out" / bundle.slug / "crasher" / "feedback.md").exists()
