"""The sandbox's root: what the plan binds, read-only submounts, and a course kept where the
sandbox would show it."""

from __future__ import annotations

import ctypes
import errno
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

import grader.worker.namespace as namespace_module
from grader.worker.errors import WorkerStartError
from grader.worker.launcher import install_runtime
from grader.worker.namespace import build_plan, sandbox_command, sandbox_environment, sandbox_python
from tests.isolation.helpers import REPO

CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_REC, MS_PRIVATE = 16384, 1 << 18


def test_the_plan_binds_nothing_of_the_repository_but_the_allowed_packages(tmp_path):
    server, import_paths = install_runtime(tmp_path / "runtime")
    plan = build_plan(python=sandbox_python(sys.executable), root=tmp_path / "root", scratch_bytes=1 << 20,
                      import_paths=import_paths, runtime_files=[server, server.with_name("protocol.py")],
                      argv_tail=[], env={}, pass_fds=(), user_namespace=False)
    sources = {step["source"] for step in plan["steps"] if step["kind"] == "bind" and not step.get("inside")}
    from_repository = sorted(Path(s).name for s in sources if Path(s).is_relative_to(REPO))
    assert from_repository == ["numpy", "numpy.libs", "scipy", "scipy.libs"]
    assert not [s for s in sources if Path(s).name in ("site-packages", "dist-packages", ".venv", "work")]
    targets = [step["target"] for step in plan["steps"] if step["kind"] == "bind"]
    assert not [t for t in targets if str(REPO) in t]
    writable = [step["target"] for step in plan["steps"] if step.get("mode") == "rw" or step.get("writable")]
    assert writable == ["/scratch"]


def _private_mount_with_a_submount(source: Path, user: bool):
    """preexec: a mount namespace of the test's own (the host's table stays untouched) in which
    ``source/sub`` is a writable tmpfs, i.e. a submount of the directory the sandbox binds."""
    uid, gid = os.getuid(), os.getgid()

    def prepare():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNS | (CLONE_NEWUSER if user else 0)) != 0:
            os._exit(90)
        if user:
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
                with open(f"/proc/self/{name}", "w") as handle:
                    handle.write(text)
        if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
            os._exit(91)
        if libc.mount(b"tmpfs", os.fsencode(source / "sub"), b"tmpfs", 0, None) != 0:
            os._exit(92)

    return prepare


def test_submounts_of_a_read_only_bind_are_read_only(namespace_launcher, tmp_path):
    source = tmp_path / "data"
    (source / "sub").mkdir(parents=True)
    for directory in ("root", "runtime"):
        (tmp_path / directory).mkdir()
    code = ("import os\n"
            "def writable(path):\n"
            "    try:\n"
            "        open(path, 'w').close()\n"
            "    except OSError as error:\n"
            "        return error.errno\n"
            "    return 'writable'\n"
            "print(os.path.ismount('/data/sub'), writable('/data/x'), writable('/data/sub/x'))\n")
    python = sandbox_python(sys.executable)
    plan = build_plan(python=python, root=tmp_path / "root", scratch_bytes=1 << 20, import_paths=(),
                      runtime_files=[], argv_tail=["-I", "-S", "-B", "-c", code], env=sandbox_environment(),
                      pass_fds=(), user_namespace=namespace_launcher.user_namespace)
    plan["steps"].insert(0, {"kind": "bind", "target": "/data", "source": str(source), "mode": "ro"})
    done = subprocess.run(sandbox_command(python, tmp_path / "runtime"), input=marshal.dumps(plan),
                          capture_output=True, timeout=60,
                          preexec_fn=_private_mount_with_a_submount(source, user=os.geteuid() != 0))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["True", str(errno.EROFS), str(errno.EROFS)]
    assert not os.path.ismount(source / "sub")  # the test's tmpfs never reached the host's table


def test_a_course_kept_inside_a_bound_directory_is_refused(monkeypatch, tmp_path):
    """Were the grader's code under /usr (say /usr/local/src/course), the read-only view of
    /usr would show it: the sandbox refuses, and the probe says why."""
    monkeypatch.setattr(namespace_module, "trusted_code", lambda: ["/usr/local/src/course/reference"])
    with pytest.raises(WorkerStartError, match="/usr/local/src/course/reference lies inside /usr"):
        build_plan(python=sandbox_python(sys.executable), root=tmp_path, scratch_bytes=1 << 20, import_paths=(),
                   runtime_files=[], argv_tail=[], env={}, pass_fds=(), user_namespace=False)
    support = namespace_module.namespace_support.__wrapped__()
    assert not support.ok and "keep the course outside it" in support.reason
