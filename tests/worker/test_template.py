"""Workers forked from the worker template in the process sandbox (``--isolation process``):
each gets its own session, scratch, environment, limits and copy of the template's image, and a
template that dies is replaced. (That a worker cannot reach its template is the namespace
sandbox's promise, tests/isolation/test_template.py; here it runs as the grader's user.)"""

from __future__ import annotations

import os
import resource
import signal
import time

import pytest

from grader.limits import Limits
from grader.worker import limits as limits_module
from grader.worker.client import StudentCrashed, Worker
from grader.worker.launcher import ProcessLauncher
from tests.worker.helpers import alive, chunks
from tests.worker.template_probes import CLEAN, CORRUPT, IMAGE, STATE

LIMITS = Limits(call_timeout_seconds=20, cell_timeout_seconds=10, memory_mb=1536, max_processes=12)

OWN = r'''
import os, resource
AT_LOAD = {"pid": os.getpid(), "group": os.getpgid(0), "session": os.getsid(0), "cwd": os.getcwd(),
           "rlimits": sorted((limit, resource.getrlimit(limit)) for limit in
                             (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_CORE))}

def own():
    return AT_LOAD

def ok(x):
    return 2 * x
'''


def test_each_worker_has_its_own_session_scratch_and_limits_from_its_first_line():
    with Worker(chunks(OWN), limits=LIMITS) as first, Worker(chunks(OWN), limits=LIMITS) as second:
        assert first.process.template is second.process.template
        seen = [first.call("own"), second.call("own")]
        for worker, own in zip((first, second), seen):
            assert own["pid"] == own["group"] == own["session"] == worker.process.pid
            assert own["cwd"] == str(worker._owned.base / "scratch")
            expected = [pair for pair in limits_module.rlimits(LIMITS) if pair[0] != resource.RLIMIT_NPROC]
            assert own["rlimits"] == sorted(expected)
        assert seen[0]["cwd"] != seen[1]["cwd"]


def test_what_a_worker_writes_into_the_template_image_stays_its_own():
    with Worker(chunks(IMAGE), limits=LIMITS) as first:
        before = first.call("image")
        assert first.call("scribble")["pi"] == 4.0
    with Worker(chunks(IMAGE), limits=LIMITS) as second:
        after = second.call("image")
    assert after["numpy"] == before["numpy"] and after["pi"] == 3.141592653589793 and after["doc"] == before["doc"]


def test_a_worker_that_corrupts_numpy_leaves_the_next_one_clean():
    with Worker(chunks(CORRUPT, STATE), limits=LIMITS) as corrupted:
        assert corrupted.call("state")["add"] == 0.0
    with Worker(chunks(STATE), limits=LIMITS) as clean:
        state = clean.call("state")
    assert {key: value for key, value in state.items() if key != "draw"} == CLEAN


def test_a_template_that_dies_is_replaced():
    with Worker(chunks(OWN), limits=LIMITS) as worker:
        template = worker.process.template
        os.kill(template.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while worker.process.poll() is None and time.monotonic() < deadline:  # killed with it (PDEATHSIG)
            time.sleep(0.01)
        with pytest.raises(StudentCrashed):
            worker.call("ok", 1)
        assert worker.call("ok", 2) == 4 and worker.process.template.pid != template.pid
    assert not alive(template.pid)


def test_fresh_processes_without_a_template():
    with Worker(chunks(OWN), limits=LIMITS, launcher=ProcessLauncher(template=False)) as worker:
        assert not hasattr(worker.process, "template") and worker.call("ok", 4) == 8
