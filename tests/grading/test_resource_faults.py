"""The grader's own resources failing: a corrupt or locked gradebook, two graders on one output
folder, a full or read-only disk, SIGINT/SIGTERM mid-batch. Each is one line or a clean stop,
no record is lost, and a re-run completes with every submission recorded exactly once."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

import grader.grading.batch
from grader.grading.batch import grade_batch
from grader.grading.gradebook import GradebookError
from grader.export.outputs import OutputError
from tests.grading.grader_process import descendants, start_grader, still_running
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

STUDENT = "import numpy as np\n{pause}\ndef relu_forward(x):\n    {sleep}return np.maximum(x, 0) * {scale}, x\n"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return small_bundle(tmp_path_factory.mktemp("faults") / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))


def _subs(folder, count=6, *, slow=False):
    folder.mkdir()
    for i in range(count):
        pause = "import time" if slow else ""
        (folder / f"s{i}.py").write_text(STUDENT.format(pause=pause, sleep="time.sleep(1.5); " if slow else "",
                                                        scale=1 + i % 2))
    return folder


def _rows(out):
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute("SELECT student, COUNT(*) FROM submissions GROUP BY student").fetchall()


def test_a_corrupt_gradebook_is_one_line_and_left_untouched(bundle, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    garbage = b"this is not a database\n" * 100
    (out / "gradebook.sqlite").write_bytes(garbage)
    with pytest.raises(GradebookError, match="cannot be used as a gradebook.*left as it is"):
        grade_batch(bundle=bundle, paths=[_subs(tmp_path / "subs", 1)], out=out, secret="s", jobs=1)
    assert (out / "gradebook.sqlite").read_bytes() == garbage


def test_a_locked_gradebook_stops_cleanly_and_a_rerun_finishes(bundle, tmp_path, monkeypatch):
    subs = _subs(tmp_path / "subs", 3)
    out = tmp_path / "out"
    grade_batch(bundle=bundle, paths=[subs / "s0.py"], out=out, secret="s", jobs=1)
    monkeypatch.setattr(grader.grading.batch, "GRADEBOOK_BUSY_SECONDS", 0.5)
    holder = sqlite3.connect(out / "gradebook.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        with pytest.raises(GradebookError, match="could not be saved.*database is locked.*run the same command again"):
            grade_batch(bundle=bundle, paths=[subs], out=out, secret="s", jobs=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    rerun = grade_batch(bundle=bundle, paths=[subs], out=out, secret="s", jobs=1)
    assert rerun.skipped == ["s0"] and sorted(rerun.graded) == ["s1", "s2"]
    assert _rows(out) == [("s0", 1), ("s1", 1), ("s2", 1)]


@pytest.mark.slow
def test_a_second_grader_on_the_same_output_folder_is_refused(bundle, tmp_path):
    subs = _subs(tmp_path / "subs", 4, slow=True)
    out = tmp_path / "out"
    first = start_grader(bundle, [subs], out, jobs=1)
    deadline = time.monotonic() + 60
    while not (out / ".grading.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    second = start_grader(bundle, [subs], out, jobs=1)
    _, stderr = second.communicate(timeout=120)
    assert second.returncode == 2 and "another `course grade`" in stderr and len(stderr.strip().splitlines()) == 1
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert _rows(out) == [(f"s{i}", 1) for i in range(4)]


def _in_small_filesystem(tmp_path, script: str) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) in a mount namespace where ``tmp_path/small`` is a 256 KiB tmpfs."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is not installed: no private mount namespace for a small file system")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no user and mount namespaces here: {probe.stderr.decode().strip()}")
    small = tmp_path / "small"
    small.mkdir()
    return subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=256k tmpfs {small} && {script}"],
                          capture_output=True, text=True, timeout=300)


def _grade_command(bundle, subs, out) -> str:
    import pickle
    import sys

    # A main guard: the fork server imports the main module of the process that starts it.
    script = (f"import pickle, sys; from pathlib import Path; from grader.grading.batch import grade_batch; from grader.grading.gradebook import GradebookError; "
              f"from grader.export.outputs import OutputError\n"
              f"if __name__ == '__main__':\n"
              f"    bundle = pickle.loads(bytes.fromhex({pickle.dumps(bundle).hex()!r}))\n"
              f"    try:\n        grade_batch(bundle=bundle, paths=[Path({str(subs)!r})], out=Path(sys.argv[1]), "
              f"secret='s', jobs=1, isolation='process')\n"
              f"    except (GradebookError, OutputError) as e:\n        print('error:', e, file=sys.stderr); sys.exit(2)\n")
    path = subs.parent / "grade_script.py"
    path.write_text(script)
    return f"{sys.executable} {path} {out}"


@pytest.mark.slow
@pytest.mark.parametrize("filler_kib", [200, 120])  # the gradebook runs out of room; then the outputs do
def test_a_full_disk_is_one_line_and_a_rerun_with_room_completes_exactly_once(bundle, tmp_path, filler_kib):
    import sys

    subs = _subs(tmp_path / "subs", 4)
    small = tmp_path / "small"
    grade = _grade_command(bundle, subs, small / "out")
    count = (f"{sys.executable} -c \"import sqlite3; print('rows', sqlite3.connect('{small}/out/gradebook.sqlite')"
             f".execute('SELECT student, COUNT(*) FROM submissions GROUP BY student').fetchall())\"")
    done = _in_small_filesystem(tmp_path, f"dd if=/dev/zero of={small}/filler bs=1k count={filler_kib} 2>/dev/null; "
                                          f"{grade}; echo exit=$?; rm {small}/filler; {grade}; echo rerun=$?; {count}")
    assert "exit=2" in done.stdout and "rerun=0" in done.stdout, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ("disk is full" in lines[0] or "No space left on device" in lines[0]), lines
    assert "rows [('s0', 1), ('s1', 1), ('s2', 1), ('s3', 1)]" in done.stdout


@pytest.mark.slow
def test_a_read_only_output_folder_is_one_line(bundle, tmp_path):
    subs = _subs(tmp_path / "subs", 2)
    small = tmp_path / "small"
    done = _in_small_filesystem(tmp_path, f"mkdir {small}/out && mount -o remount,ro {small} && "
                                          f"{_grade_command(bundle, subs, small / 'out')}; echo exit=$?")
    assert "exit=2" in done.stdout, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Read-only file system" in lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_batch_stops_cleanly_and_a_rerun_completes_exactly_once(bundle, tmp_path, signum):
    subs = _subs(tmp_path / "subs", 8, slow=True)
    out = tmp_path / "out"
    grader_process = start_grader(bundle, [subs], out, jobs=2)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (out / "gradebook.sqlite").exists():
            try:
                if len(_rows(out)) >= 2:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    tree = descendants(grader_process.pid)
    grader_process.send_signal(signum)
    _, stderr = grader_process.communicate(timeout=60)
    assert grader_process.returncode == 128 + signum, stderr
    assert "interrupted by" in stderr and "run the same command again" in stderr
    saved = _rows(out)
    assert 2 <= len(saved) < 8
    tree.pop(grader_process.pid, None)
    assert not still_running(tree)
    rerun = grade_batch(bundle=bundle, paths=[subs], out=out, secret="s", jobs=2)
    assert sorted(rerun.skipped) == sorted(student for student, _ in saved)
    assert _rows(out) == [(f"s{i}", 1) for i in range(8)]
