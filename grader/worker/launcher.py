"""How a worker process is started and how everything it started is killed.

    launcher.launch(spec: LaunchSpec) -> WorkerProcess      # .pid, .poll(), .kill() -> status

``ProcessLauncher`` (the default) runs ``python -I -S -B server.py`` in a new session, with
rlimits, a scrubbed environment and a private scratch directory as cwd and HOME. What it does
NOT hide: the worker runs as the grader's user, so absolute paths (the repository, other
submissions), ``/proc/<grader pid>/`` (cmdline, environ, cwd) and signals to the grader stay
reachable. ``grader.worker.namespace.NamespaceLauncher`` implements the same ``Launcher``
protocol and closes those (mount, PID, network... namespaces, a whitelisted read-only root, an
unprivileged uid); ``grader.worker.isolation.launcher_for`` chooses between the two.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.worker import limits as limits_module
from grader.limits import Limits
from grader.worker.tracking import MARKER_VARIABLE, Cgroups, kill_group, kill_marked

WORKER_FILES = ("server.py", "protocol.py")
"""The files of this package the worker runs; they import only the stdlib and NumPy."""
RUNTIME_FILES = (*WORKER_FILES, "sandbox_init.py")
"""Copied into the runtime directory: the worker's files and the namespace sandbox's init."""
PACKAGES = ("numpy", "scipy")
"""Third-party packages student code may import."""


@dataclass(frozen=True)
class LaunchSpec:
    """Everything a launcher needs to start one worker."""

    python: str
    """The interpreter (run with -I -S -B: no site-packages, no .pth files, no user site)."""
    server: Path
    """``server.py`` in the runtime directory, next to its ``protocol.py``."""
    scratch: Path
    """A fresh private directory: the worker's cwd, HOME and TMPDIR."""
    import_paths: tuple[str, ...]
    """Directories appended to the worker's sys.path (symlinks to the allowed packages only)."""
    read_fd: int
    """The worker reads requests from this fd."""
    write_fd: int
    """The worker writes replies to this fd."""
    log_fd: int
    """The worker's fds 1 and 2 (output that bypasses the per-call capture, crash dumps)."""
    limits: Limits
    """Resource limits."""
    marker: str
    """Unique value of NNF_WORKER_MARKER in the worker's environment."""
    preload: tuple[str, ...] = ()
    """Modules of the allowed packages to import before the submission (e.g. ``scipy.special``):
    a worker template imports them once for every worker it forks."""


class WorkerProcess(Protocol):
    pid: int

    def poll(self) -> int | None:
        """The exit status once the worker has exited (negative: killed by that signal)."""

    def kill(self) -> int | None:
        """Kill the worker and everything it started; reap it; return its exit status."""


class Launcher(Protocol):
    name: str
    """Isolation level, for messages: "process" or "namespace"."""

    def launch(self, spec: LaunchSpec) -> WorkerProcess: ...


def install_runtime(runtime: Path, packages: tuple[str, ...] = PACKAGES) -> tuple[Path, tuple[str, ...]]:
    """Copy the worker's files into ``runtime`` and link the allowed packages into
    ``runtime/site``; return (server path, import paths).

    Linking the packages one by one, instead of adding site-packages, keeps the editable
    install's finder (which maps ``reference`` to the repository) out of reach by import.
    """
    if runtime.exists():
        shutil.rmtree(runtime)
    site = runtime / "site"
    site.mkdir(parents=True)
    here = Path(__file__).parent
    for name in RUNTIME_FILES:
        shutil.copyfile(here / name, runtime / name)
    for package in packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        location = Path(next(iter(spec.submodule_search_locations)))
        (site / package).symlink_to(location, target_is_directory=True)
        libs = location.parent / f"{package}.libs"  # wheels' vendored shared libraries
        if libs.is_dir():
            (site / libs.name).symlink_to(libs, target_is_directory=True)
    return runtime / "server.py", (str(site),)


def new_marker() -> str:
    return uuid.uuid4().hex


def environment(spec: LaunchSpec) -> dict[str, str]:
    """The worker's whole environment: nothing of the grader's (secrets, paths) gets through."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(spec.scratch),
        "TMPDIR": str(spec.scratch),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        MARKER_VARIABLE: spec.marker,
    }


def command(spec: LaunchSpec) -> list[str]:
    argv = [spec.python, "-I", "-S", "-B", "-X", "faulthandler", str(spec.server),
            "--in", str(spec.read_fd), "--out", str(spec.write_fd)]
    for path in spec.import_paths:
        argv += ["--path", path]
    return argv


class ProcessWorker:
    """A worker started by ``ProcessLauncher``: its Popen, its cgroups and its marker."""

    def __init__(self, popen: subprocess.Popen, cgroups: Cgroups, marker: str):
        self.popen = popen
        self.pid = popen.pid
        self.cgroups = cgroups
        self.marker = marker

    def poll(self) -> int | None:
        return self.popen.poll()

    def kill(self) -> int | None:
        # The group is killed before the leader is reaped: until then its pid (= the pgid)
        # cannot be reused by an unrelated process.
        kill_group(self.pid)
        self.cgroups.kill()
        kill_marked(self.marker)
        status = self.popen.wait()
        kill_marked(self.marker)
        self.cgroups.remove()
        return status


class ProcessLauncher:
    """A plain child process in its own session, with rlimits and cgroups where allowed.

    By default forked from this process's worker template (``grader.worker.forked``), which
    has NumPy imported; ``template=False`` starts a fresh Python for every worker."""

    name = "process"

    def __init__(self, *, cgroups: bool = True, template: bool = True):
        self.use_cgroups = cgroups
        self.use_template = template

    def launch(self, spec: LaunchSpec) -> WorkerProcess:
        if self.use_template:
            from grader.worker.forked import launch_in_process

            return launch_in_process(self, spec)
        return self.launch_fresh(spec)

    def launch_fresh(self, spec: LaunchSpec) -> ProcessWorker:
        pairs = limits_module.rlimits(spec.limits)
        cgroups = (Cgroups.create(f"nnf-worker-{spec.marker}", spec.limits.max_processes)
                   if self.use_cgroups else Cgroups([]))
        try:
            popen = subprocess.Popen(
                command(spec), env=environment(spec), cwd=spec.scratch, stdin=subprocess.DEVNULL,
                stdout=spec.log_fd, stderr=spec.log_fd, pass_fds=(spec.read_fd, spec.write_fd),
                start_new_session=True, preexec_fn=limits_module.preexec(pairs), close_fds=True)
        except BaseException:
            cgroups.remove()
            raise
        # Student code runs only after the setup request, so joining here is not racy.
        cgroups.add(popen.pid)
        return ProcessWorker(popen, cgroups, spec.marker)
