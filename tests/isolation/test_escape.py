"""Student code in a namespace-sandboxed worker tries to get out: read or import the repository,
look at or signal the grader, write outside its scratch, reach the network, see another
worker, keep privileges. Each attempt must fail; the host files are hashed before and after."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.worker.client import Worker
from grader.limits import Limits
from tests.isolation.helpers import REPO, digest
from tests.worker.helpers import chunks

LIMITS = Limits(call_timeout_seconds=20, cell_timeout_seconds=10)

ATTACKS = r'''
import ctypes, importlib, importlib.metadata, importlib.util, os, signal, socket, sys

def attempt(action):
    try:
        result = action()
    except BaseException as error:
        return type(error).__name__
    return "ok" if result is None else result

def read(path):
    with open(path, "rb") as handle:
        handle.read(1)

def visible(pruned):
    """Every path reachable by walking /, without descending into the pruned directories."""
    paths = []
    for directory, subdirectories, files in os.walk("/"):
        if directory in pruned:
            subdirectories[:] = []
            continue
        paths += [os.path.join(directory, name) for name in subdirectories + files]
    return sorted(paths)

def reach(paths):
    return {path: [attempt(lambda: os.listdir(path)), attempt(lambda: read(path)), os.path.exists(path)]
            for path in paths}

def imports(repo, finder):
    def by_path():
        spec = importlib.util.spec_from_file_location("reference", os.path.join(repo, "reference", "__init__.py"))
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    def run_finder():
        with open(finder) as handle:
            exec(handle.read(), {})
    return {"reference": attempt(lambda: importlib.import_module("reference") and None),
            "grader": attempt(lambda: importlib.import_module("grader") and None),
            "by path": attempt(by_path), "finder": attempt(run_finder),
            "distributions": sorted(d.metadata["Name"] or "" for d in importlib.metadata.distributions()),
            "sys.path": sys.path}

def processes(grader_pid, needles):
    pids = sorted(int(name) for name in os.listdir("/proc") if name.isdigit())
    leaks = []
    for pid in pids:
        for name in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            leaks += [f"{pid}/{name}: {needle}" for needle in needles if needle.encode() in data]
    return {"pids": pids, "ppid": os.getppid(), "grader visible": os.path.exists(f"/proc/{grader_pid}"),
            "init environ": attempt(lambda: read("/proc/1/environ")),
            "init root": attempt(lambda: os.listdir("/proc/1/root")), "leaks": leaks,
            "own environment": [n for n in needles if n in repr(dict(os.environ))]}

def sandboxed(canary):
    """Destructive attempts run only where the host's canary file is out of sight: a broken
    sandbox must fail these tests, never damage the machine running them."""
    return os.getpid() == 2 and not os.path.exists(canary)

def kill(canary, grader_pid):
    if not sandboxed(canary):
        return "not sandboxed: nothing attempted"
    results = {"grader": attempt(lambda: os.kill(grader_pid, signal.SIGKILL)),
               "parent": attempt(lambda: os.kill(os.getppid(), signal.SIGKILL))}
    results["everyone"] = attempt(lambda: os.kill(-1, signal.SIGKILL))
    return results

def network(port):
    def connect():
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    def datagram():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"x", ("192.0.2.1", 53))
    return {"interfaces": [name for _, name in socket.if_nameindex()], "loopback": attempt(connect),
            "datagram": attempt(datagram),
            "dns": attempt(lambda: socket.getaddrinfo("example.com", 80) and None)}

def vandalise(canary, files, directories):
    if not sandboxed(canary):
        return "not sandboxed: nothing attempted"
    results = {}
    for path in files:
        results[path] = {"open for writing": attempt(lambda: open(path, "r+b").close()),
                         "remove": attempt(lambda: os.remove(path)),
                         "chmod": attempt(lambda: os.chmod(path, 0o777)),
                         "rename": attempt(lambda: os.rename(path, path + ".moved"))}
    for path in directories:
        results[path] = {"create": attempt(lambda: open(os.path.join(path, "evil"), "wb").close()),
                         "mkdir": attempt(lambda: os.mkdir(os.path.join(path, "evil.d")))}
    return results

def identity():
    with open("/proc/self/status") as handle:
        status = dict(line.split(":", 1) for line in handle if ":" in line)
    libc = ctypes.CDLL(None, use_errno=True)
    def mount():
        if libc.mount(b"tmpfs", b"/scratch", b"tmpfs", 0, None) != 0:
            raise PermissionError(os.strerror(ctypes.get_errno()))
    def unshare_user_namespace():
        if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER: the first step of many kernel exploits
            raise PermissionError(os.strerror(ctypes.get_errno()))
    def thread():
        import threading
        box = []
        worker = threading.Thread(target=lambda: box.append(sum(range(10))))
        worker.start()
        worker.join()
        return box[0]
    return {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
            "user namespace": attempt(unshare_user_namespace), "thread": attempt(thread),
            "caps": {key: int(status[key], 16) for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")},
            "no_new_privs": status["NoNewPrivs"].strip(), "setuid": attempt(lambda: os.setuid(0)),
            "mount": attempt(mount), "chroot": attempt(lambda: os.chroot("/scratch"))}

def leave(text):
    with open("note.txt", "w") as handle:
        handle.write(text)
    return os.getcwd()

def search(text, host_scratch):
    found = []
    for top in ("/scratch", "/"):  # /tmp is a link to /scratch
        for name in os.listdir(top):
            path = os.path.join(top, name)
            if os.path.isfile(path):
                with open(path, errors="replace") as handle:
                    found += [path] if text in handle.read() else []
    return {"found": found, "host path": os.path.exists(host_scratch), "pids": sorted(
        int(name) for name in os.listdir("/proc") if name.isdigit())}
'''


@pytest.fixture
def canary(tmp_path) -> Path:
    """A host file the sandboxed worker must not see (see ``sandboxed`` in ATTACKS)."""
    path = tmp_path / "canary"
    path.write_text("the host")
    return path


@pytest.fixture
def worker(namespace_launcher):
    with Worker(chunks(ATTACKS), limits=LIMITS, launcher=namespace_launcher) as started:
        yield started


def test_the_repository_is_neither_visible_nor_readable(worker):
    prefix = os.path.realpath(sys.base_prefix)
    assert not str(REPO).startswith(("/usr/", prefix + "/"))  # pruned from the walk below
    paths = worker.call("visible", ["/usr", "/proc", "/dev", prefix])
    tops = sorted({p.split("/")[1] for p in paths})
    assert set(tops) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "root", "runtime", "sbin",
                         "scratch", "site", "tmp", "usr", "opt", "home"}, tops
    for path in paths:
        assert REPO.name not in path.split("/") and "course.toml" not in path and "reference" not in path, path
    runtime = sorted(p for p in paths if p.startswith("/runtime/"))
    assert runtime == ["/runtime/protocol.py", "/runtime/server.py"]
    assert sorted(p for p in paths if p.count("/") == 2 and p.startswith("/site/")) == [
        "/site/numpy", "/site/numpy.libs", "/site/scipy", "/site/scipy.libs"]
    assert sorted(p for p in paths if p.startswith("/etc/")) == ["/etc/ld.so.cache", "/etc/localtime"]
    site_packages = next(Path(prefix).glob("lib/python*/site-packages"))  # the interpreter's own: hidden
    assert any(site_packages.iterdir())
    assert worker.call("reach", [str(site_packages)])[str(site_packages)][0] == []

    secrets = [REPO, REPO / "course.toml", REPO / "reference", REPO / "reference" / "__init__.py",
               *sorted(REPO.glob("assignments/*/tests"))[:3], REPO / ".venv" / "lib", Path(sys.prefix) / "pyvenv.cfg"]
    for path, (listing, reading, exists) in worker.call("reach", [str(p) for p in secrets]).items():
        assert (listing, reading, exists) == ("FileNotFoundError", "FileNotFoundError", False), path


def test_reference_cannot_be_imported(worker):
    finder = next(Path(sys.prefix).glob("lib/python*/site-packages/__editable__*finder.py"), None)
    result = worker.call("imports", str(REPO), str(finder or REPO / "missing_finder.py"))
    assert result["reference"] == "ModuleNotFoundError"
    assert result["grader"] == "ModuleNotFoundError"
    assert result["by path"] == "FileNotFoundError"
    assert result["finder"] == "FileNotFoundError"
    assert not [name for name in result["distributions"] if "foundations" in name]
    assert not [p for p in result["sys.path"] if "site-packages" in p or str(REPO) in p]


def test_the_grader_is_invisible_and_cannot_be_signalled(worker, monkeypatch, canary):
    token = "nnf-secret-7c1e"  # in the grader's environment: must not reach the worker
    monkeypatch.setenv("NNF_TEST_SECRET", token)
    worker.close()
    worker.start()
    result = worker.call("processes", os.getpid(), [token, str(REPO), str(os.getpid())])
    assert result["pids"] == [1, 2] and result["ppid"] == 1
    assert result["grader visible"] is False
    assert result["init environ"] == "PermissionError" and result["init root"] == "PermissionError"
    assert result["leaks"] == [] and result["own environment"] == []

    attacks = worker.call("kill", str(canary), os.getpid())
    assert isinstance(attacks, dict), attacks
    assert attacks["grader"] == "ProcessLookupError"
    assert attacks["parent"] in ("PermissionError", "ok")  # ok: an init ignores signals from inside
    assert attacks["everyone"] in ("ProcessLookupError", "ok")
    assert worker.call("leave", "still here") == "/scratch"
    assert worker.report.starts == 2  # the same worker process answered: nothing was killed


def test_no_network(worker):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        result = worker.call("network", listener.getsockname()[1])
        with pytest.raises(TimeoutError):
            listener.accept()
    assert result["interfaces"] == ["lo"]
    assert result["loopback"] == "OSError"  # ENETUNREACH: the worker's lo is down and not the host's
    assert result["datagram"] == "OSError"
    assert result["dns"] == "gaierror"


def test_writes_land_in_the_scratch_only(worker, canary):
    prefix = os.path.realpath(sys.base_prefix)
    numpy_init = Path(np.__file__)
    runtime = Path(worker._owned.base) / "runtime"
    host_files = [REPO / "course.toml", *sorted((REPO / "reference").glob("*.py")),
                  *sorted(REPO.glob("assignments/*/tests/*.py")), numpy_init, Path(prefix, "lib/python3.11/os.py"),
                  Path("/etc/ld.so.cache"), runtime / "server.py", runtime / "protocol.py"]
    before = digest(host_files)
    inside_files = ["/etc/ld.so.cache", f"{prefix}/lib/python3.11/os.py", "/site/numpy/__init__.py",
                    "/runtime/server.py", "/runtime/protocol.py", "/usr/bin/env", str(REPO / "course.toml")]
    inside_directories = ["/", "/etc", "/usr", "/usr/bin", "/site", "/site/numpy", "/runtime", "/dev", "/proc",
                          "/root", prefix, f"{prefix}/lib/python3.11", str(REPO), "/scratch"]
    result = worker.call("vandalise", str(canary), inside_files, inside_directories)
    assert isinstance(result, dict), result
    for path, outcomes in result.items():
        if path == "/scratch":
            assert outcomes == {"create": "ok", "mkdir": "ok"}  # the one writable place
        else:
            assert "ok" not in outcomes.values(), (path, outcomes)
    assert digest(host_files) == before
    for directory in (REPO, runtime, Path(prefix), numpy_init.parent, Path("/etc")):
        assert not list(directory.glob("evil*")) and not list(directory.glob("*.moved"))
    assert sorted(worker.call("reach", ["/scratch"])["/scratch"][0]) == ["evil", "evil.d"]
    assert not any((Path(worker._owned.base) / "scratch").iterdir())  # the scratch is the sandbox's own tmpfs


def test_unprivileged_and_without_capabilities(worker):
    result = worker.call("identity")
    if os.geteuid() == 0:  # as root the worker gets a uid of its own; otherwise the user's, remapped
        assert result["uid"] != 0 and result["euid"] != 0 and result["gid"] != 0
        assert result["groups"] == []
    assert result["caps"] == {"CapInh": 0, "CapPrm": 0, "CapEff": 0, "CapBnd": 0, "CapAmb": 0}
    assert result["no_new_privs"] == "1"
    assert result["setuid"] == "PermissionError"
    assert result["mount"] == "PermissionError" and result["chroot"] == "PermissionError"
    assert result["user namespace"] == "PermissionError"  # refused by the seccomp filter
    assert result["thread"] == 45  # while threads (clone without new namespaces) still work


def test_workers_cannot_see_each_other(namespace_launcher):
    with Worker(chunks(ATTACKS), limits=LIMITS, launcher=namespace_launcher) as first, \
            Worker(chunks(ATTACKS), limits=LIMITS, launcher=namespace_launcher) as second:
        assert first.call("leave", "first-worker-note") == "/scratch"
        first_base = str(first._owned.base)
        assert first.call("search", "first-worker-note", first_base)["found"] == ["/scratch/note.txt"]
        seen = second.call("search", "first-worker-note", first_base)
        assert seen == {"found": [], "host path": False, "pids": [1, 2]}
