"""Workers forked from the worker template (grader/worker/zygote.py) in the namespace sandbox:
the sandbox is complete before the first line of student code runs, a worker cannot reach its
template or another worker, what it changes in memory stays its own, and a template that dies
is replaced."""

from __future__ import annotations

import os
import signal
import time

import pytest

from grader.limits import Limits
from grader.worker import limits as limits_module
from grader.worker.client import StudentCrashed, Worker
from grader.worker.namespace import NamespaceLauncher
from tests.worker.helpers import alive, chunks
from tests.worker.template_probes import CLEAN, CORRUPT, IMAGE, STATE

LIMITS = Limits(call_timeout_seconds=20, cell_timeout_seconds=10, memory_mb=1536, file_mb=8, max_processes=12)

AT_LOAD = r'''
import os, resource
with open("/proc/self/status") as handle:
    STATUS = dict(line.split(":", 1) for line in handle if ":" in line)
AT_LOAD = {"pid": os.getpid(), "uid": os.getuid(), "cwd": os.getcwd(), "scratch": os.listdir("/scratch"),
           "seccomp": STATUS["Seccomp"].strip(), "no_new_privs": STATUS["NoNewPrivs"].strip(),
           "caps": [int(STATUS[key], 16) for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
           "rlimits": {limit: resource.getrlimit(limit) for limit in
                       (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC,
                        resource.RLIMIT_CORE)},
           "fds": {}}
for fd in os.listdir("/proc/self/fd"):
    try:
        AT_LOAD["fds"][int(fd)] = os.readlink(f"/proc/self/fd/{fd}").split(":")[0]
    except OSError:
        pass  # the listing's own fd, closed by now

def at_load():
    return {**AT_LOAD, "rlimits": sorted(AT_LOAD["rlimits"].items()), "fds": sorted(AT_LOAD["fds"].items())}
'''

REACH = r'''
import ctypes, os, signal

libc = ctypes.CDLL(None, use_errno=True)

class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

def attempt(action):
    try:
        result = action()
    except BaseException as error:
        return type(error).__name__
    return "ok" if result is None else result

def syscall_error(result):
    return os.strerror(ctypes.get_errno()) if result == -1 else "ok"

def ptrace_attach(pid):
    return syscall_error(libc.ptrace(16, pid, None, None))  # PTRACE_ATTACH

def write_memory(pid):
    data = ctypes.create_string_buffer(b"written by another worker")
    local = IoVec(ctypes.cast(data, ctypes.c_void_p), len(data))
    remote = IoVec(ctypes.cast(data, ctypes.c_void_p), len(data))  # the same layout: a fork has it
    return syscall_error(libc.process_vm_writev(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0))

def reach(pids):
    found = {str(pid): {"kill": attempt(lambda: os.kill(pid, signal.SIGKILL)), "ptrace": ptrace_attach(pid),
                   "write memory": write_memory(pid),
                   "/proc mem": attempt(lambda: open(f"/proc/{pid}/mem", "r+b").close())} for pid in pids}
    return {**found, "everyone": attempt(lambda: os.kill(-1, signal.SIGKILL)),
            "visible": sorted(int(name) for name in os.listdir("/proc") if name.isdigit())}

def ok(x):
    return 2 * x
'''

def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, by their parent pids in this PID namespace."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def test_the_sandbox_is_complete_before_the_first_line_of_student_code(namespace_launcher):
    with Worker(chunks(AT_LOAD), limits=LIMITS, launcher=namespace_launcher) as worker:
        seen = worker.call("at_load")
    assert seen["pid"] == 2 and seen["cwd"] == "/scratch" and seen["scratch"] == []
    assert seen["seccomp"] == "2" and seen["no_new_privs"] == "1" and seen["caps"] == [0, 0, 0, 0, 0]
    if os.geteuid() == 0:
        assert seen["uid"] != 0
    assert seen["rlimits"] == sorted(limits_module.rlimits(LIMITS))
    # stdin, the log twice, the request and reply pipes, sys.stdin: no socket, no other worker's pipe.
    fds = dict(seen["fds"])
    assert fds.pop(0) == fds.pop(5) == "/dev/null" and fds.pop(1) == fds.pop(2) and fds == {3: "pipe", 4: "pipe"}


def test_workers_come_from_one_template_that_keeps_only_what_it_needs(namespace_launcher):
    with Worker(chunks(AT_LOAD), limits=LIMITS, launcher=namespace_launcher) as first, \
            Worker(chunks(AT_LOAD), limits=LIMITS, launcher=namespace_launcher) as second:
        template = first.process.template
        assert second.process.template is template and alive(template.pid)
        status = dict(line.split(":", 1) for line in open(f"/proc/{template.pid}/status") if ":" in line)
    held = int(status["CapEff"], 16)
    assert held == sum(1 << cap for cap in (0, 6, 7, 8, 21))  # chown, setgid, setuid, setpcap, sys_admin
    assert status["NoNewPrivs"].strip() == "1" and status["Seccomp"].strip() == "2"


def test_a_worker_cannot_signal_trace_or_write_into_its_template_or_another_worker(namespace_launcher):
    with Worker(chunks(REACH), limits=LIMITS, launcher=namespace_launcher) as attacker, \
            Worker(chunks(REACH), limits=LIMITS, launcher=namespace_launcher) as sibling:
        template = attacker.process.template
        assert sibling.process.template is template
        targets = [template.pid, template.process.pid, *_tree(sibling.process.pid)]
        assert len(targets) == 5  # template, its sandbox's outer process, the sibling's three
        result = attacker.call("reach", targets)
        for pid in targets:
            assert result[str(pid)] == {"kill": "ProcessLookupError", "ptrace": "No such process",
                                   "write memory": "No such process", "/proc mem": "FileNotFoundError"}, pid
        assert result["everyone"] in ("ProcessLookupError", "ok") and result["visible"] == [1, 2]
        assert attacker.call("ok", 1) == 2 and sibling.call("ok", 2) == 4
        assert all(alive(pid) for pid in targets)
        assert attacker.report.starts == 1 and sibling.report.starts == 1
    with Worker(chunks(REACH), limits=LIMITS, launcher=namespace_launcher) as later:
        assert later.process.template is template and later.call("ok", 3) == 6


def test_what_a_worker_writes_into_the_template_image_stays_its_own(namespace_launcher):
    with Worker(chunks(IMAGE), limits=LIMITS, launcher=namespace_launcher) as first:
        before = first.call("image")
        scribbled = first.call("scribble")
        assert scribbled["pi"] == 4.0 and scribbled["doc"] == "X" * 30
        with Worker(chunks(IMAGE), limits=LIMITS, launcher=namespace_launcher) as second:
            beside = second.call("image")
    with Worker(chunks(IMAGE), limits=LIMITS, launcher=namespace_launcher) as third:
        after = third.call("image")
    # The same objects at the same addresses: each worker is a copy-on-write fork of one image ...
    assert before["numpy"] == beside["numpy"] == after["numpy"] and before["pi at"] == after["pi at"]
    # ... and the first one's writes reached neither the worker beside it nor the next one.
    for seen in (beside, after):
        assert seen["pi"] == 3.141592653589793 and seen["doc"] == before["doc"] != "X" * 30


@pytest.mark.parametrize("launcher", ["namespace", "namespace-user"])
def test_a_worker_that_corrupts_numpy_leaves_the_next_one_clean(namespace_launcher, launcher):
    chosen = NamespaceLauncher(user_namespace=True) if launcher == "namespace-user" else namespace_launcher
    with Worker(chunks(CORRUPT, STATE), limits=LIMITS, launcher=chosen) as corrupted:
        spoiled = corrupted.call("state")
    assert spoiled["add"] == 0.0 and spoiled["fft"] == "ModuleNotFoundError" and spoiled["precision"] == 1
    with Worker(chunks(STATE), limits=LIMITS, launcher=chosen) as first, \
            Worker(chunks(STATE), limits=LIMITS, launcher=chosen) as second:
        clean = [first.call("state"), second.call("state")]
    for state in clean:
        assert {key: value for key, value in state.items() if key != "draw"} == CLEAN
    # NumPy's global generator is seeded afresh in each worker, as in a new interpreter.
    assert clean[0]["draw"] != clean[1]["draw"] and spoiled["draw"] == 0.5488135039273248
    assert 0.5488135039273248 not in (clean[0]["draw"], clean[1]["draw"])


def test_a_template_that_dies_is_replaced(namespace_launcher):
    with Worker(chunks(REACH), limits=LIMITS, launcher=namespace_launcher) as worker:
        template = worker.process.template
        os.kill(template.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while worker.process.poll() is None and time.monotonic() < deadline:  # its workers die with it
            time.sleep(0.01)
        with pytest.raises(StudentCrashed):
            worker.call("ok", 1)
        assert worker.call("ok", 2) == 4
        assert worker.process.template is not template and worker.process.template.pid != template.pid
    assert not alive(template.pid)


def test_fresh_sandboxes_without_a_template(namespace_launcher):
    launcher = NamespaceLauncher(template=False, user_namespace=namespace_launcher.user_namespace)
    with Worker(chunks(AT_LOAD), limits=LIMITS, launcher=launcher) as worker:
        seen = worker.call("at_load")
        assert not hasattr(worker.process, "template")
    assert seen["pid"] == 2 and seen["seccomp"] == "2" and seen["caps"] == [0, 0, 0, 0, 0]


RUNTIME = r'''
import os

def vandalise_runtime():
    results = {}
    for path in ("/runtime/server.py", "/runtime/protocol.py"):
        for what, action in (("write", lambda: open(path, "r+b").close()), ("remove", lambda: os.remove(path)),
                             ("rename", lambda: os.rename(path, path + ".moved"))):
            try:
                action()
                results[f"{path} {what}"] = "ok"
            except OSError as error:
                results[f"{path} {what}"] = type(error).__name__
    return results
'''


def test_the_runtime_every_worker_shares_stays_unchanged(namespace_launcher):
    """Workers no longer get a copy of the runtime each: the template's is the one they all see."""
    import hashlib

    with Worker(chunks(RUNTIME), limits=LIMITS, launcher=namespace_launcher) as worker:
        runtime = worker.process.template.base / "runtime"
        files = [runtime / "server.py", runtime / "protocol.py"]
        before = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
        result = worker.call("vandalise_runtime")
    assert result and "ok" not in result.values(), result
    assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == before
