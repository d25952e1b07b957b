"""A grader killed with SIGKILL leaves nothing running: its fork server, pool processes,
resource tracker and sandboxed workers die with it, and what a dead grader listed is killed by
the next run's sweep — by pid and start time, never by name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from grader.grading import pool_guard
from grader.worker import leftovers
from tests.grading.grader_process import descendants, start_grader, still_running
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

SLOW = '''
import time
import numpy as np

def relu_forward(x):
    time.sleep(2)
    return np.maximum(x, 0), x

def tanh_forward(x):
    return np.tanh(x), None
'''


@pytest.mark.slow
def test_sigkill_of_the_grader_alone_leaves_no_process_of_its_batch(tmp_path):
    bundle = small_bundle(tmp_path / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(6):
        (subs / f"s{i}.py").write_text(SLOW)
    grader = start_grader(bundle, [subs], tmp_path / "out", jobs=2)
    deadline = time.monotonic() + 120
    tree: dict[int, str] = {}
    while time.monotonic() < deadline and len(tree) < 5:  # tracker, fork server, 2 pool processes, a worker
        time.sleep(0.2)
        tree = descendants(grader.pid)
    assert len(tree) >= 5, f"the batch never got going: {tree}"
    os.kill(grader.pid, signal.SIGKILL)  # the grader only, not its process group
    grader.wait()
    left = still_running(tree, within=10)
    assert not left, f"still running 10 s after the grader died: {left}"


def test_the_sweep_kills_what_a_dead_grader_listed_and_nothing_else(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    listed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    unlisted = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp_path / f"{leftovers.RUN_PREFIX}dead"
        folder.mkdir()
        (folder / leftovers.OWNER_FILE).write_text(f"{dead_pid} 1\n")  # a start time no live process has
        (folder / pool_guard.PROCESSES_FILE).write_text(
            f"{listed.pid} {leftovers.start_time(listed.pid)}\n"
            f"{unlisted.pid} 1\n")  # its pid, but another start time: a reused pid, left alone
        alive = tmp_path / f"{leftovers.RUN_PREFIX}alive"
        alive.mkdir()
        leftovers.claim(alive)  # this process: a live grader
        (alive / pool_guard.PROCESSES_FILE).write_text(f"{unlisted.pid} {leftovers.start_time(unlisted.pid)}\n")

        assert leftovers.sweep_runs(tmp_path) == [listed.pid]
        assert listed.wait(timeout=10) == -signal.SIGKILL
        assert unlisted.poll() is None and not folder.exists() and alive.exists()
    finally:
        listed.kill()
        unlisted.kill()
