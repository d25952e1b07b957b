"""`course grade --dask-local N`: a LocalCluster of worker processes grades exactly as the local
pool does, whatever its size; a submission whose Dask worker dies is retried once, then recorded
as a grader error; a re-run grades only what is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader.grading.batch import grade_batch
from grader.cluster.executor import DaskGrading
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

ROOT = Path(__file__).resolve().parents[2]

WRONG_SCALE = '''
import numpy as np

def relu_forward(x):
    return 2 * np.maximum(x, 0), x

def tanh_forward(x):
    return np.tanh(x), None
'''

# The process grading the submission (the Dask worker), as a submission finds it under process
# isolation: the parent of the worker template that forked its worker (grader/worker/zygote.py).
GRADING_PROCESS = '''
def grading_process():
    parent = os.getppid()
    with open(f"/proc/{{parent}}/cmdline", "rb") as handle:
        if b"--template" in handle.read():
            with open(f"/proc/{{parent}}/stat") as stat:
                parent = int(stat.read().rpartition(")")[2].split()[1])
    return parent
'''

# Kills the process that started its sandboxed worker (the Dask worker) every time it is
# loaded, after counting the attempt in a file outside the sandbox (process isolation only).
KILLS_ITS_DASK_WORKER = '''
import os
''' + GRADING_PROCESS + '''
with open({counter!r}, "a") as handle:
    handle.write("attempt\\n")
os.kill(grading_process(), 9)
'''

# The same, on its first attempt only.
KILLS_ONCE = '''
import os
import numpy as np
''' + GRADING_PROCESS + '''
if not os.path.exists({marker!r}):
    open({marker!r}, "w").close()
    os.kill(grading_process(), 9)

def relu_forward(x):
    return np.maximum(x, 0), x

def tanh_forward(x):
    return np.tanh(x), None
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask")
    bundle = small_bundle(tmp / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    subs = tmp / "subs"
    subs.mkdir()
    source = tmp / "build" / "source" / "01_activations" / "01_activations.ipynb"
    shutil.copy(source, subs / "ada.ipynb")
    shutil.copy(tmp / "build" / "release" / "01_activations" / "01_activations.ipynb", subs / "bob.ipynb")
    (subs / "cy.py").write_text(WRONG_SCALE)
    (subs / "di.ipynb").write_bytes(b"\xff\xfe not a notebook")
    (subs / "eve.py").write_text("import os\nos.kill(os.getpid(), 9)\n")  # kills its own sandboxed worker
    return bundle, subs


def _records(result) -> dict[str, dict]:
    return {r.student: json.loads(r.to_json()) for r in result.records}


@pytest.mark.slow
def test_records_equal_the_local_pool_for_one_and_two_workers(built, tmp_path):
    bundle, subs = built
    local = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / "local", secret="course secret", jobs=2)
    assert {r.status for r in local.records} == {"graded", "unreadable"}  # nothing went wrong on the way
    for workers in (1, 2):
        with DaskGrading(local_workers=workers) as remote:
            assert remote.worker_threads() == workers
            remote_result = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / f"dask{workers}",
                                        secret="course secret", remote=remote)
        assert _records(remote_result) == _records(local), f"{workers} worker(s)"
        assert sorted(remote_result.graded) == ["ada", "bob", "cy", "di", "eve"]


@pytest.mark.slow
def test_a_worker_death_is_retried_once_then_a_grader_error_and_a_rerun_grades_only_it(built, tmp_path):
    bundle, subs = built
    counter, marker = tmp_path / "attempts.txt", tmp_path / "killed-once"
    hostile = tmp_path / "subs"
    shutil.copytree(subs, hostile)
    (hostile / "mallory.py").write_text(KILLS_ITS_DASK_WORKER.format(counter=str(counter)))
    (hostile / "oscar.py").write_text(KILLS_ONCE.format(marker=str(marker)))
    out = tmp_path / "grades"
    with DaskGrading(local_workers=2) as remote:
        first = grade_batch(bundle=bundle, paths=[hostile], out=out, secret="s", isolation="process", remote=remote)
        records = {r.student: r for r in first.records}
        assert counter.read_text().splitlines() == ["attempt", "attempt"]  # retried once, not more
        assert records["mallory"].status == "grader_error"
        assert "Dask worker grading it died, on its retry too" in records["mallory"].problems[0]
        assert marker.exists() and records["oscar"].status == "graded"  # its retry graded it
        assert records["oscar"].score == records["oscar"].max_score
        assert records["ada"].score == records["ada"].max_score and records["cy"].score < records["cy"].max_score
        assert first.grader_errors == [records["mallory"]]

        (hostile / "mallory.py").write_text(WRONG_SCALE)
        second = grade_batch(bundle=bundle, paths=[hostile], out=out, secret="s", isolation="process", remote=remote)
    assert second.graded == ["mallory"]  # the grader error again, nothing else
    assert sorted(second.skipped) == ["ada", "bob", "cy", "di", "eve", "oscar"]
    again = {r.student: r for r in second.records}
    assert again["mallory"].status == "graded" and again["mallory"].score == records["cy"].score


def test_bad_dask_options_are_one_line_errors_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from grader.cli import app

    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "ada.py").write_text(WRONG_SCALE)
    for options, message in ((["--dask-local", "0"], "--dask-local 0: must be at least 1"),
                             (["--dask-local", "1", "--scheduler", "tcp://h:8786"], "give one of them"),
                             (["--dask-local", "2", "--jobs", "2"], "--jobs sizes the local pool")):
        result = CliRunner().invoke(app, ["grade", "01_activations", str(tmp_path / "subs"), "--out",
                                          str(tmp_path / "grades"), "--config", str(ROOT / "course.toml"), *options])
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
    assert not (tmp_path / "grades").exists()


@pytest.mark.slow
def test_course_grade_dask_local_grades_through_the_command_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from grader.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "cy.py").write_text(WRONG_SCALE)
    result = CliRunner().invoke(app, ["grade", "01_activations", "subs", "--out", "grades", "--dask-local", "1",
                                      "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 0, result.output
    assert "1 graded, 0 unchanged" in result.output
    record = json.loads((tmp_path / "grades" / "01_activations" / "cy" / "record.json").read_text())
    assert record["status"] == "graded" and 0 < record["score"] < record["max_score"]
