"""The worker keeps its contract inside the namespace sandbox: resource limits, timeouts, crashes
that cost one call, restarts, and no process left behind after close."""

from __future__ import annotations

import dataclasses
import os
import random

import numpy as np
import pytest

from grader.worker.client import StudentCrashed, StudentException, StudentTimeout, Worker, WorkerStartError
from grader.limits import Limits
from grader.worker.namespace import SCRATCH_FILES, NamespaceLauncher
from tests.isolation.helpers import REPO, processes_with, wait_until_gone
from tests.worker.helpers import MISBEHAVING, chunks

FAST = Limits(call_timeout_seconds=10, cell_timeout_seconds=5, memory_mb=1024, file_mb=1, max_processes=8)

CODE = MISBEHAVING + '''

def fill_scratch(size):
    written = 0
    try:
        for index in range(100):
            with open(f"part{index}", "wb") as f:
                f.write(b"x" * size)
            written += size
    except OSError as error:
        return written, error.strerror
    return written, None

def spawn(token):
    """A sleeper in a new session with an empty environment, and a double-forked daemon.

    Returns once both have exec'd sleep: the daemon's end of the pipe closes on exec."""
    hidden = subprocess.Popen(["/bin/sleep", token], start_new_session=True, env={})
    started, daemon_end = os.pipe()  # close-on-exec, like every fd os.pipe makes
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            os.execve("/bin/sleep", ["/bin/sleep", token], {})
        os._exit(0)
    os.close(daemon_end)
    os.read(started, 1)  # b"" once the middle child has exited and the daemon has exec'd
    os.close(started)
    os.waitpid(child, 0)
    return hidden.pid

def where(repo):
    status = open("/proc/self/status").read()
    return os.getcwd(), os.getpid(), status.split("CapEff:")[1].split()[0], os.path.exists(repo)
'''


def test_timeouts_and_crashes_cost_one_call_and_restart_the_worker(namespace_launcher):
    with Worker(chunks(CODE), limits=FAST, launcher=namespace_launcher) as worker:
        with pytest.raises(StudentTimeout):
            worker.call("spin", timeout=0.5)
        with pytest.raises(StudentCrashed) as exited:
            worker.call("hard_exit")
        assert exited.value.returncode == 7  # the sandbox passes the worker's own status on
        with pytest.raises(StudentCrashed, match="SIGSEGV") as segfault:
            worker.call("segfault")
        assert "Fatal Python error: Segmentation fault" in segfault.value.log
        assert worker.call("ok", 21) == 42
        assert worker.report.starts == 4


def test_memory_file_size_and_scratch_limits(namespace_launcher):
    limits = dataclasses.replace(FAST, memory_mb=600)
    with Worker(chunks(CODE), limits=limits, launcher=namespace_launcher) as worker:
        with pytest.raises((StudentException, StudentCrashed)) as bomb:
            worker.call("memory_bomb")
        if isinstance(bomb.value, StudentException):
            assert "MemoryError" in bomb.value.type_name
        with pytest.raises(StudentException, match="File too large"):
            worker.call("big_file")
        # Many files under the size limit: the scratch (a tmpfs) fills up, never the host's disk.
        written, error = worker.call("fill_scratch", limits.file_bytes // 2)
        assert error == "No space left on device" and written < SCRATCH_FILES * limits.file_bytes
        np.testing.assert_array_equal(worker.call("ok", np.arange(3)), [0, 2, 4])


def test_cpu_limit(namespace_launcher):
    with Worker(chunks(CODE), limits=Limits(cpu_seconds=1, call_timeout_seconds=30),
                launcher=namespace_launcher) as worker:
        with pytest.raises(StudentCrashed, match="CPU time limit of 1 s exceeded"):
            worker.call("burn")
        assert worker.call("ok", 1) == 2


@pytest.mark.parametrize("cgroups", [True, False], ids=["cgroups-if-allowed", "no-cgroups"])
def test_process_limit(namespace_launcher, cgroups):
    """Started as root, the worker has a uid of its own, so RLIMIT_NPROC holds even without a
    cgroup (the plain process sandbox cannot limit root that way)."""
    launcher = NamespaceLauncher(cgroups=cgroups, user_namespace=namespace_launcher.user_namespace)
    with Worker(chunks(CODE), limits=FAST, launcher=launcher) as worker:
        made = worker.call("fork_burst", 30)
        limited = worker.process.cgroups.limits_processes or os.geteuid() == 0
        assert made < (FAST.max_processes if limited else 30)


@pytest.mark.parametrize("cgroups", [True, False], ids=["cgroups-if-allowed", "no-cgroups"])
def test_no_process_outlives_close(namespace_launcher, cgroups):
    token = f"3600.{random.randrange(10**9):09d}"
    launcher = NamespaceLauncher(cgroups=cgroups, user_namespace=namespace_launcher.user_namespace)
    worker = Worker(chunks(CODE), limits=FAST, launcher=launcher)
    worker.start()
    worker.call("spawn", token)
    assert len(processes_with(token)) == 2  # they did start, outside the worker's session
    worker.close()
    assert wait_until_gone(token) == []


def test_user_namespace_mode(namespace_launcher):
    """The mode used when the grader is not root (here forced as root): the worker keeps uid 0
    of a user namespace that maps only the grader's user, with no capabilities."""
    with Worker(chunks(CODE), limits=FAST, launcher=NamespaceLauncher(user_namespace=True)) as worker:
        assert worker.call("where", str(REPO)) == ("/scratch", 2, "0000000000000000", False)
        with pytest.raises(StudentCrashed):
            worker.call("hard_exit")
        assert worker.call("ok", 2) == 4


class BrokenLauncher(NamespaceLauncher):
    def plan(self, spec, root):
        plan = super().plan(spec, root)
        plan["steps"].append({"kind": "bind", "target": "/missing", "source": "/nonexistent/source", "mode": "ro"})
        return plan


def test_a_sandbox_that_cannot_be_built_is_a_start_error_with_the_reason(namespace_launcher):
    with pytest.raises(WorkerStartError, match=r"sandbox: mount /nonexistent/source on .*No such file"):
        with Worker(chunks(CODE), limits=FAST, launcher=BrokenLauncher()):
            pass
