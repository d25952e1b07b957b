"""The namespace sandbox: the worker runs in its own mount, PID, network, IPC, UTS and cgroup
namespaces, in a root that holds nothing but what it needs.

    NamespaceLauncher().launch(spec) -> ProcessWorker        # same protocol as ProcessLauncher
    namespace_support() -> Support(ok, reason)              # probed once per process

What the worker sees (everything read-only except /scratch):

    /usr /bin /sbin /lib*        the system (symlinks copied as symlinks)
    /etc/ld.so.cache, localtime  nothing else of /etc
    <interpreter prefix>         with its site-packages hidden under an empty tmpfs
    /site/numpy, /site/scipy...  the allowed packages only (``install_runtime``'s links)
    /runtime/server.py ...       the worker's own code
    /scratch (= /tmp, HOME, cwd) the only writable place: a private tmpfs of
                                 SCRATCH_FILES x the file size limit, fresh at each start
    /dev                         null, zero, full, random, urandom
    /proc                        of its own PID namespace (the grader is not in it); /proc/sys
                                 read-only

Network: a fresh namespace with only a loopback interface, down. Started as root, the worker
runs as an unprivileged uid of its own (``WORKER_ID_BASE`` + a pid, so RLIMIT_NPROC counts
this worker alone); started as another user, it runs in a user namespace that maps only that
user. Either way it has no capabilities, no_new_privs, and a seccomp filter refusing new user
namespaces and a few exploit-prone kernel interfaces. All of it is done by ``sandbox_init.py``
(stdlib and ctypes only, no util-linux), shipped into the runtime next to the server.
"""

from __future__ import annotations

import functools
import importlib.util
import marshal
import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.worker import limits as limits_module
from grader.worker.errors import WorkerStartError
from grader.worker.launcher import WORKER_FILES, LaunchSpec, ProcessWorker, WorkerProcess, environment
from grader.worker.tracking import MARKER_VARIABLE, Cgroups

INIT_FILE = "sandbox_init.py"
SCRATCH, RUNTIME, SITE = "/scratch", "/runtime", "/site"
"""Where the scratch directory, the worker's code and the allowed packages appear inside."""
WORKER_ID_BASE = 1 << 30
"""Started as root, a worker's uid and gid are this plus the pid of its sandbox process."""
PID_LIMIT = 1 << 22
"""The largest pid_max Linux allows: worker ids stay below WORKER_ID_BASE + PID_LIMIT."""
FALLBACK_WORKER_ID = 65534
"""nobody: the worker id when the high range is not mapped (root in a restricted namespace)."""
SANDBOX_HELPERS = 2
"""Processes the sandbox adds to the worker's cgroup: the outer process and the init."""
PROBE_TIMEOUT = 30.0
SCRATCH_FILES = 4
"""The scratch holds this many files of the largest size allowed (RLIMIT_FSIZE)."""
TRUSTED_PACKAGES = ("grader", "reference")
"""The course's own code: it must never be visible inside the sandbox."""
HOSTNAME = "nnf-worker"

_SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
_ETC_FILES = ("ld.so.cache", "localtime")
_DEVICES = ("null", "zero", "full", "random", "urandom")


@dataclass(frozen=True)
class Support:
    """Whether the namespace sandbox works on this machine, and if not, why."""

    ok: bool
    reason: str = ""


def _step(kind: str, target: str, **fields) -> dict:
    return {"kind": kind, "target": target, **fields}


def _within(path: str, directories: list[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in directories)


def system_steps() -> tuple[list[dict], list[str]]:
    """The system directories and the few /etc files the interpreter and NumPy need;
    (steps, directories bound read-only)."""
    steps, bound = [], []
    for name in _SYSTEM_DIRS:
        path = Path("/", name)
        if path.is_symlink():
            steps.append(_step("symlink", str(path), source=os.readlink(path)))
        elif path.is_dir():
            steps.append(_step("bind", str(path), source=str(path), mode="ro"))
            bound.append(str(path))
    for name in _ETC_FILES:
        path = Path("/etc", name)
        if path.is_symlink():
            steps.append(_step("symlink", str(path), source=os.readlink(path)))
        elif path.is_file():
            steps.append(_step("bind", str(path), source=str(path), mode="ro"))
    return steps, bound


def _site_directories() -> set[str]:
    """Every site-packages directory of the base interpreter: none may be visible inside."""
    found = set()
    for base in {sys.base_prefix, sys.base_exec_prefix}:
        for key in ("purelib", "platlib"):
            found.add(sysconfig.get_path(key, vars={"base": base, "platbase": base}))
        found.update(site.getsitepackages([base]))
    return {os.path.realpath(d) for d in found if os.path.isdir(d)}


def python_steps(python: str, bound: list[str]) -> list[dict]:
    """The interpreter's prefix (stdlib, libpython), minus its site-packages."""
    steps = []
    for directory in (os.path.realpath(sys.base_prefix), os.path.dirname(os.path.dirname(python))):
        if not _within(directory, bound):
            steps.append(_step("bind", directory, source=directory, mode="ro"))
            bound.append(directory)
    for directory in sorted(_site_directories()):
        if _within(directory, bound):
            steps.append(_step("tmpfs", directory))
    return steps


def package_steps(import_paths: tuple[str, ...]) -> tuple[list[dict], list[str]]:
    """Each entry of each import path (a link to an allowed package) bound at /site/<name>."""
    steps, inside = [], []
    for index, directory in enumerate(import_paths):
        target = SITE if index == 0 else f"{SITE}{index}"
        for entry in sorted(Path(directory).iterdir()):
            source = os.path.realpath(entry)
            if os.path.exists(source):
                steps.append(_step("bind", f"{target}/{entry.name}", source=source, mode="ro"))
        inside.append(target)
    return steps, inside


def device_steps() -> list[dict]:
    steps = [_step("tmpfs", "/dev")]
    steps += [_step("bind", f"/dev/{name}", source=f"/dev/{name}", mode="dev")
              for name in _DEVICES if os.path.exists(f"/dev/{name}")]
    steps += [_step("symlink", f"/dev/{name}", source=target) for name, target in
              (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
               ("stderr", "/proc/self/fd/2"))]
    return steps


def worker_ids(user_namespace: bool) -> dict | None:
    """How the sandbox picks the worker's uid/gid; None: keep the (user-namespace) root."""
    if user_namespace:
        return None
    if all(_mapped(Path(f"/proc/self/{kind}_map"), WORKER_ID_BASE, PID_LIMIT) for kind in ("uid", "gid")):
        return {"base": WORKER_ID_BASE}
    return {"fixed": FALLBACK_WORKER_ID}


def _mapped(map_file: Path, first: int, count: int) -> bool:
    try:
        lines = map_file.read_text().splitlines()
    except OSError:
        return False
    for line in lines:
        inside, _, length = (int(x) for x in line.split())
        if inside <= first and first + count <= inside + length:
            return True
    return False


def trusted_code() -> list[str]:
    """Where the grader's own packages live: none of it may be inside a directory the sandbox
    binds wholesale (a course kept under /usr/local, say)."""
    found = []
    for name in TRUSTED_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found += [os.path.realpath(location) for location in spec.submodule_search_locations]
    return found


def check_exposure(steps: list[dict], bound: list[str]) -> None:
    hidden = [step["target"] for step in steps if step["kind"] == "tmpfs"]
    exposed = [path for path in trusted_code() if _within(path, bound) and not _within(path, hidden)]
    if exposed:
        raise WorkerStartError(f"the sandbox would show the grader's own code to student code: {', '.join(exposed)} "
                               f"lies inside {', '.join(d for d in bound if any(_within(p, [d]) for p in exposed))}, "
                               "which the worker sees read-only; keep the course outside it")


def sandbox_python(python: str) -> str:
    """The interpreter the sandbox runs: the base interpreter behind this process's venv. A
    venv lives in the repository, and its python may be a copy rather than a link, so running
    it would mean showing the venv (and the folder around it) to student code."""
    real = os.path.realpath(python)
    if real == os.path.realpath(sys.executable) and sys.prefix != sys.base_prefix:
        return os.path.realpath(getattr(sys, "_base_executable", python))
    return real


def build_plan(*, python: str, root: Path, scratch_bytes: int, import_paths: tuple[str, ...], runtime_files: list[Path],
               argv_tail: list[str], env: dict[str, str], pass_fds: tuple[int, ...], user_namespace: bool) -> dict:
    """The plan ``sandbox_init.py`` executes: mount steps in order, then the command."""
    steps, bound = system_steps()
    steps += python_steps(python, bound)
    check_exposure(steps, bound)
    packages, inside_paths = package_steps(import_paths)
    steps += packages
    steps += [_step("bind", f"{RUNTIME}/{path.name}", source=str(path), mode="ro") for path in runtime_files]
    # The scratch is a capped tmpfs, not a host directory: a submission cannot fill the
    # grader's disk (and with it the gradebook's), nor leave anything for the next start.
    steps += [_step("tmpfs", SCRATCH, writable=True, options=f"mode=0700,size={scratch_bytes}"),
              _step("chown", SCRATCH), _step("symlink", "/tmp", source=SCRATCH)]
    steps += device_steps()
    # The new /proc, with /proc/sys read-only over it (as container runtimes do).
    steps += [_step("proc", "/proc"), _step("bind", "/proc/sys", source="/proc/sys", mode="ro", inside=True)]
    argv = [python, *argv_tail]
    for path in inside_paths:
        argv += ["--path", path]
    return {"user_namespace": user_namespace, "ids": worker_ids(user_namespace), "root": str(root),
            "steps": steps, "hostname": HOSTNAME, "cwd": SCRATCH, "argv": argv, "env": env,
            "pass_fds": list(pass_fds)}


def _init_script(runtime: Path) -> Path:
    script = runtime / INIT_FILE
    if not script.exists():
        shutil.copyfile(Path(__file__).with_name(INIT_FILE), script)
    return script


def sandbox_command(python: str, runtime: Path) -> list[str]:
    """The outer process's command line: nothing in it says what the sandbox holds."""
    return [python, "-I", "-S", "-B", str(_init_script(runtime))]


def sandbox_environment(marker: str = "") -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if marker:
        env[MARKER_VARIABLE] = marker
    return env


class NamespaceLauncher:
    """Starts the worker inside the namespace sandbox; the rest (rlimits, cgroups, killing)
    is as with ``ProcessLauncher``.

    By default each worker is forked from this process's worker template (``zygote.py``),
    which sits in the sandbox this class plans, with NumPy imported; the worker then gets
    mount, PID, network, IPC, UTS and cgroup namespaces of its own, its scratch, its uid and
    its limits. ``template=False`` starts every worker as a fresh sandbox instead."""

    name = "namespace"

    def __init__(self, *, cgroups: bool = True, user_namespace: bool | None = None, template: bool = True):
        self.use_cgroups = cgroups
        self.user_namespace = os.geteuid() != 0 if user_namespace is None else user_namespace
        """Also a user namespace: needed unless root; as root it keeps uid 0 (without capabilities)."""
        self.use_template = template

    def plan(self, spec: LaunchSpec, root: Path) -> dict:
        python = sandbox_python(spec.python)
        env = {**environment(spec), "HOME": SCRATCH, "TMPDIR": SCRATCH}
        argv_tail = ["-I", "-S", "-B", "-X", "faulthandler", f"{RUNTIME}/{spec.server.name}",
                     "--in", str(spec.read_fd), "--out", str(spec.write_fd)]
        return build_plan(python=python, root=root, scratch_bytes=SCRATCH_FILES * spec.limits.file_bytes,
                          import_paths=spec.import_paths,
                          runtime_files=[spec.server.with_name(name) for name in WORKER_FILES],
                          argv_tail=argv_tail, env=env, pass_fds=(spec.read_fd, spec.write_fd),
                          user_namespace=self.user_namespace)

    def launch(self, spec: LaunchSpec) -> WorkerProcess:
        if not self.use_template:
            return self.launch_fresh(spec)
        from grader.worker.forked import launch_in_namespaces

        return launch_in_namespaces(self, spec)

    def launch_fresh(self, spec: LaunchSpec) -> ProcessWorker:
        """A sandbox of its own for this worker: a Python started, NumPy imported, for it alone."""
        # An empty mount point for the new root's tmpfs; ``spec.scratch`` itself stays unused.
        root = spec.scratch.parent / "sandbox-root"
        root.mkdir(mode=0o700, exist_ok=True)
        plan = marshal.dumps(self.plan(spec, root))
        pairs = limits_module.rlimits(spec.limits)
        cgroups = (Cgroups.create(f"nnf-worker-{spec.marker}", spec.limits.max_processes + SANDBOX_HELPERS)
                   if self.use_cgroups else Cgroups([]))
        try:
            popen = subprocess.Popen(
                sandbox_command(sandbox_python(spec.python), spec.server.parent), env=sandbox_environment(spec.marker),
                cwd="/", stdin=subprocess.PIPE, stdout=spec.log_fd, stderr=spec.log_fd,
                pass_fds=(spec.read_fd, spec.write_fd), start_new_session=True,
                preexec_fn=limits_module.preexec(pairs), close_fds=True)
        except BaseException:
            cgroups.remove()
            raise
        # The sandbox forks only after reading its plan: joining the cgroup first catches all.
        cgroups.add(popen.pid)
        try:
            popen.stdin.write(plan)
            popen.stdin.close()
        except BrokenPipeError:
            pass  # it died at once; the channel reports that with its log
        return ProcessWorker(popen, cgroups, spec.marker)


PROBE_CODE = """
import os, sys
hidden = sys.argv[1]
assert os.getpid() == 2 and os.getppid() == 1, "no PID namespace"
assert not os.path.exists(hidden), "the host's files are visible"
assert int(open("/proc/self/status").read().split("CapEff:")[1].split()[0], 16) == 0, "capabilities left"
print("ok")
"""


@functools.lru_cache(maxsize=None)
def namespace_support(python: str = sys.executable) -> Support:
    """Run a trivial Python in the sandbox (once per process and interpreter)."""
    if not sys.platform.startswith("linux") or not os.path.exists("/proc/self/ns/pid"):
        return Support(False, "Linux namespaces are missing on this system")
    real = sandbox_python(python)
    with tempfile.TemporaryDirectory(prefix="nnf-probe-") as tmp:
        base = Path(tmp)
        (base / "root").mkdir()
        (base / "runtime").mkdir()
        launcher = NamespaceLauncher(cgroups=False)
        try:
            plan = build_plan(python=real, root=base / "root", scratch_bytes=1 << 20, import_paths=(),
                              runtime_files=[], argv_tail=["-I", "-S", "-B", "-c", PROBE_CODE, str(base)],
                              env=sandbox_environment(), pass_fds=(), user_namespace=launcher.user_namespace)
        except WorkerStartError as error:
            return Support(False, str(error))
        try:
            process = subprocess.Popen(sandbox_command(real, base / "runtime"), env=sandbox_environment(), cwd="/",
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except OSError as error:
            return Support(False, f"cannot run {real}: {error}")
        try:
            out, err = process.communicate(marshal.dumps(plan), timeout=PROBE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Support(False, f"a sandboxed Python did not finish within {PROBE_TIMEOUT:g} s")
    if process.returncode == 0 and out.strip() == b"ok":
        return Support(True)
    detail = (err.decode("utf-8", "replace").strip().splitlines() or [f"exit status {process.returncode}"])[-1]
    return Support(False, detail[:300])
