"""What a submission can do to its worker: hang, exit, crash, exhaust memory, CPU or files,
hang while loading, fork and hide processes. Each costs at most the call it happens in."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import numpy as np
import pytest

from grader.worker.errors import SubmissionOutOfTime
from grader.worker.client import (
    LostHandle,
    StudentCrashed,
    StudentException,
    StudentTimeout,
    Worker,
)
from grader.worker.launcher import ProcessLauncher
from grader.limits import Limits
from tests.worker.helpers import MISBEHAVING, alive, chunks, marked

FAST = Limits(call_timeout_seconds=10, cell_timeout_seconds=1.0, memory_mb=1024, file_mb=1,
                    max_processes=8)

HOSTILE = MISBEHAVING + '''

def forward(x):
    return x, object()

def backward(dout, cache):
    return dout

def stubborn():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

def hide(clear_environment):
    """A child in a new session that tries to outlive grading, and a plain fork."""
    env = {} if clear_environment else None
    hidden = subprocess.Popen(["/bin/sleep", "600"], start_new_session=True, env=env)
    pid = os.fork()
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    return [hidden.pid, pid, os.getpid()]

def where():
    with open("note.txt", "w") as f:
        f.write("scratch")
    return os.getcwd()
'''


def test_timeouts_kill_the_worker_and_the_next_call_restarts_it():
    with Worker(chunks(HOSTILE), limits=FAST) as worker:
        started = time.monotonic()
        with pytest.raises(StudentTimeout, match="no answer within 0.5 s"):
            worker.call("spin", timeout=0.5)
        with pytest.raises(StudentTimeout):
            worker.call("stubborn", timeout=0.5)  # catches KeyboardInterrupt, ignores SIGTERM
        assert time.monotonic() - started < 8
        assert worker.call("ok", 21) == 42
        assert worker.report.starts == 3


def test_a_submission_out_of_time_runs_no_more():
    limits = dataclasses.replace(FAST, submission_seconds=3)
    with Worker(chunks(HOSTILE), limits=limits) as worker:
        started = time.monotonic()
        with pytest.raises(SubmissionOutOfTime, match="time budget of 3 s"):
            worker.call("spin", timeout=30)  # cut short by the budget, not its own timeout
        assert time.monotonic() - started < 3.5
        starts = worker.report.starts
        with pytest.raises(SubmissionOutOfTime):
            worker.call("ok", 21)  # at once, and no worker started for it
        assert time.monotonic() - started < 4 and worker.report.starts == starts


def test_crashes_cost_one_call_each():
    with Worker(chunks(HOSTILE), limits=FAST) as worker:
        _, cache = worker.call("forward", np.ones(2))
        with pytest.raises(StudentCrashed) as exited:
            worker.call("hard_exit")
        assert exited.value.returncode == 7
        with pytest.raises(LostHandle):
            worker.call("backward", np.ones(2), cache)  # its worker is gone
        with pytest.raises(StudentCrashed, match="SIGSEGV") as segfault:
            worker.call("segfault")
        assert "Fatal Python error: Segmentation fault" in segfault.value.log
        assert worker.call("ok", 1.5) == 3.0
        assert worker.report.starts == 3


def test_memory_bomb_fails_that_call_only():
    with Worker(chunks(HOSTILE), limits=dataclasses.replace(FAST, memory_mb=600)) as worker:
        with pytest.raises((StudentException, StudentCrashed)) as bomb:
            worker.call("memory_bomb")
        if isinstance(bomb.value, StudentException):
            assert "MemoryError" in bomb.value.type_name
        assert worker.call("ok", 2) == 4


def test_file_size_limit_and_scratch_directory():
    with Worker(chunks(HOSTILE), limits=FAST) as worker:
        with pytest.raises(StudentException, match="File too large"):
            worker.call("big_file")
        scratch = Path(worker.call("where"))
        assert (scratch / "note.txt").read_text() == "scratch"
        assert os.stat(scratch).st_mode & 0o077 == 0
    assert not scratch.exists() and not scratch.parent.exists()


def test_cpu_limit_kills_a_burning_worker():
    with Worker(chunks(HOSTILE), limits=Limits(cpu_seconds=1, call_timeout_seconds=30)) as worker:
        with pytest.raises(StudentCrashed, match="CPU time limit of 1 s exceeded"):
            worker.call("burn")
        assert worker.call("ok", 1) == 2


def test_chunk_that_hangs_or_exits_while_loading_keeps_its_definitions():
    hangs = "def first(x):\n    return x + 1\nwhile True:\n    pass\n"
    exits = "import os\ndef second(x):\n    return x - 1\nos._exit(3)\n"
    only_calls = "import time\ntime.sleep(60)\n"
    with Worker(chunks(hangs, exits, only_calls, "def third():\n    return 3\n"),
                limits=dataclasses.replace(FAST, cell_timeout_seconds=0.5)) as worker:
        statuses = [(c.status, c.error) for c in worker.report.chunks]
        assert statuses[0] == ("timeout", "did not finish within 0.5 s; only its definitions were run")
        assert statuses[1][0] == "crashed" and "status 3" in statuses[1][1]
        assert statuses[1][1].endswith("only its definitions were run")
        assert statuses[2] == ("timeout", "did not finish within 0.5 s; only its definitions were run")
        assert statuses[3] == ("ok", "")
        assert (worker.call("first", 1), worker.call("second", 1), worker.call("third")) == (2, 0, 3)


def _assert_all_gone(pids: list[int], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if alive(pid)] == []


@pytest.mark.parametrize("cgroups", [True, False], ids=["cgroups-if-allowed", "no-cgroups"])
def test_no_process_outlives_close(cgroups):
    worker = Worker(chunks(HOSTILE), limits=FAST, launcher=ProcessLauncher(cgroups=cgroups))
    worker.start()
    marker = worker.process.marker
    tracked = bool(worker.process.cgroups.directories)
    pids = worker.call("hide", False)
    if tracked:  # only a cgroup also catches a child that dropped the environment marker
        pids += worker.call("hide", True)[:1]
    assert all(alive(pid) for pid in pids)
    worker.close()
    _assert_all_gone(pids)
    assert marked(marker) == []


def test_process_limit(tmp_path):
    """pids.max of the worker's cgroup holds even for root; RLIMIT_NPROC alone does not: the
    kernel exempts root from it (and it counts all the user's processes)."""
    with Worker(chunks(HOSTILE), limits=FAST) as worker:
        made = worker.call("fork_burst", 30)
        if worker.process.cgroups.limits_processes:
            assert made < FAST.max_processes
        elif os.getuid() != 0:
            assert made < 30
        else:
            assert made == 30  # documents the root exemption when no cgroup can be made
