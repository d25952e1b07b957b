"""Nothing lost, exactly once: SIGKILL the grader in the middle of a batch, run it again, and
every submission is recorded exactly once with the scores of an uninterrupted run."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from grader.grading.batch import grade_batch
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

ROOT = Path(__file__).resolve().parents[2]

STUDENT = '''
import numpy as np

def relu_forward(x):
    return np.maximum(x, 0) * {scale}, x

def tanh_forward(x):
    return np.tanh(x), None
'''


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    bundle = small_bundle(tmp / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    subs = tmp / "subs"
    subs.mkdir()
    for i in range(8):
        (subs / f"s{i}.py").write_text(STUDENT.format(scale=1 if i % 2 else 2))
    return bundle, subs


def _rows(gradebook: Path) -> list[tuple]:
    with sqlite3.connect(gradebook) as db:
        return db.execute("SELECT student, sha256, score FROM submissions ORDER BY student").fetchall()


@pytest.mark.slow
def test_sigkill_mid_batch_then_rerun_records_each_submission_once(setup, tmp_path):
    bundle, subs = setup
    reference = grade_batch(bundle=bundle, paths=[subs], out=tmp_path / "clean", secret="s", jobs=1)

    out = tmp_path / "killed"
    script = textwrap.dedent(f"""
        import pickle
        from pathlib import Path
        from grader.grading.batch import grade_batch
        bundle = pickle.loads(bytes.fromhex({pickle.dumps(bundle).hex()!r}))
        grade_batch(bundle=bundle, paths=[Path({str(subs)!r})], out=Path({str(out)!r}), secret="s", jobs=1)
    """)
    grader = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, start_new_session=True)
    gradebook = out / "gradebook.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if gradebook.exists():
            try:
                if len(_rows(gradebook)) >= 2:
                    break
            except sqlite3.OperationalError:
                pass  # the table does not exist yet
        time.sleep(0.05)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    partial = _rows(gradebook)
    assert 2 <= len(partial) < 8, "the kill must land mid-batch"

    rerun = grade_batch(bundle=bundle, paths=[subs], out=out, secret="s", jobs=2)
    assert sorted(rerun.skipped) == sorted(student for student, _, _ in partial)
    assert len(rerun.graded) + len(rerun.skipped) == 8
    rows = _rows(gradebook)
    assert len(rows) == 8 and len({r[0] for r in rows}) == 8
    assert [r.to_json() for r in rerun.records] == [r.to_json() for r in reference.records]
