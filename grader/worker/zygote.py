"""The worker template ("zygote"): one process per grading process that has started the
interpreter and imported NumPy (and the assignment's preloads) once, and forks one worker per
submission instead of starting a fresh Python for each.

    python -I -S -B server.py --template FD [--namespaces] [--path DIR]... [--preload MODULE]...

Its code (this file and sandbox_init.py) arrives on stdin (``server.run_template``), so no file
of it shows inside the sandbox. It never runs student code. It serves the grader's requests on
the control socket FD (AF_UNIX, SOCK_SEQPACKET; one JSON object per message, fds alongside):

    fork {rlimits, env, cwd, sandbox: {scratch_options, hostname} | null}
         + fds [request, reply, log, go]   -> {pid} + the new worker's pidfd, or {error}
    reap {pid}                             -> {status}: that worker's wait status (the grader
                                              has killed it); only then is its pid free again
    end of file (the grader is gone)       -> the template exits, and with it every worker

It says {ready} with its own pidfd once it has imported everything.

A worker, in this order, before it reads any byte of student code:

    A  the template's child: its own session; fd 0 /dev/null, 1 and 2 its log, 3 and 4 its
       request and reply pipes, every other fd closed; its rlimits; killed if the template
       dies. It waits for the go line, which the grader writes once A is in the worker's
       cgroup, carrying the uid the worker runs as. Namespace mode: unshare(2) new mount, PID,
       network, IPC, UTS and cgroup namespaces, fork B and exit as it reports (as
       sandbox_init's outer does). Process mode: A is the worker: cwd, environment, serve.
    B  PID 1 of the worker's own PID namespace: a private /scratch tmpfs owned by the worker's
       uid, a fresh /proc (/proc/sys read-only), its hostname; fork C, reap, report C's status.
    C  PID 2: its own session, cwd /scratch, its environment, every privilege dropped and the
       seccomp filter installed (sandbox_init.drop_privileges), NumPy's global random state
       reseeded; then the server loop (``server.serve``).

In namespace mode the template itself runs inside the shared sandbox (the read-only root,
namespaces of its own) with only the capabilities B needs (sandbox_init.TEMPLATE_CAPABILITIES),
no_new_privs, the seccomp filter, and not dumpable. Each worker's namespaces are nested inside
the template's: a worker cannot name, signal, ptrace or open the /proc entry of its template or
of another worker, and whatever it changes in memory (NumPy's state included) is its own
copy-on-write copy, gone when it exits.
"""

from __future__ import annotations

import fcntl
import gc
import importlib
import json
import os
import resource
import signal
import socket
import sys

import nnf_sandbox_init as sandbox  # shipped with this file; see server.run_template

MAX_MESSAGE = 1 << 16
FORK_FDS = 4
"""A fork request carries the worker's request, reply and log fds and the read end of its go pipe."""
REQUEST_FD, REPLY_FD, GO_FD = 3, 4, 5
"""Where a worker finds its pipes (and A its go line)."""
SCRATCH = "/scratch"
"""The worker's writable directory in namespace mode (its cwd, HOME and TMPDIR)."""


def serve(control_fd: int, *, run_worker, preload: list[str], namespaces: bool) -> int:
    """The template's loop: import what every worker needs, then serve requests until the
    grader closes the control socket. ``run_worker(request_fd, reply_fd)`` is the server."""
    sandbox.prctl(sandbox.PR_SET_DUMPABLE, 0, "prctl(DUMPABLE)")
    if namespaces:
        sandbox.prctl(sandbox.PR_SET_NO_NEW_PRIVS, 1, "prctl(NO_NEW_PRIVS)")
        sandbox.install_syscall_filter()
    for name in preload:
        importlib.import_module(name)
    # Objects alive now are never collected: the collector then leaves their pages (shared
    # with every worker) untouched, so a worker copies only what it changes itself.
    gc.collect()
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    own = os.pidfd_open(os.getpid())  # how the grader knows this process, whatever its PID namespace
    socket.send_fds(control, [json.dumps({"ready": os.getpid()}).encode()], [own])
    os.close(own)
    children: set[int] = set()
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, FORK_FDS)
        except OSError:
            data, fds = b"", []
        if not data:
            return 0
        pidfd = None
        try:
            request = json.loads(data)
            if request.get("op") == "fork" and len(fds) == FORK_FDS:
                pid = _fork(request, fds, control, run_worker, namespaces)
                children.add(pid)
                reply, pidfd = {"pid": pid}, os.pidfd_open(pid)
            elif request.get("op") == "reap" and request.get("pid") in children:
                _, status = os.waitpid(request["pid"], 0)
                children.discard(request["pid"])
                reply = {"status": status}
            else:
                reply = {"error": f"bad request {str(request)[:200]} with {len(fds)} fds"}
        except Exception as error:  # noqa: BLE001 - the grader gets the reason, the template lives on
            reply = {"error": f"{type(error).__name__}: {error}"}
        finally:
            for fd in fds:
                os.close(fd)
        try:
            socket.send_fds(control, [json.dumps(reply).encode()], [pidfd] if pidfd is not None else [])
        except OSError:
            return 0  # the grader is gone
        finally:
            if pidfd is not None:
                os.close(pidfd)


def _fork(request: dict, fds: list[int], control: socket.socket, run_worker, namespaces: bool) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = sandbox.SETUP_FAILED
    try:  # whatever happens, this process never returns into the template's loop
        control.close()
        code = worker_process(request, fds, run_worker, namespaces)
    except BaseException as error:  # noqa: BLE001
        _report(error)
    os._exit(code)


def _report(error: BaseException) -> None:
    try:
        os.write(2, f"sandbox: {error}\n".encode("utf-8", "replace"))
    except OSError:
        pass


# -- A: the template's child -------------------------------------------------------------------
def worker_process(request: dict, fds: list[int], run_worker, namespaces: bool) -> int:
    os.setsid()  # its own session and process group: the grader kills the group
    sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, "prctl(PDEATHSIG)")
    place_fds(*fds)
    for limit, (soft, hard) in request["rlimits"]:
        resource.setrlimit(limit, (soft, hard))
    worker_id = read_go(GO_FD)
    if not namespaces:
        enter(request["cwd"], request["env"])
        return run_worker(REQUEST_FD, REPLY_FD)
    sandbox.check(sandbox.libc.unshare(sandbox.NAMESPACES), "unshare")
    status_read, status_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = sandbox.SETUP_FAILED
        try:
            os.close(status_read)
            worker_init(request, worker_id, status_write, run_worker)
        except BaseException as error:  # noqa: BLE001
            _report(error)
        os._exit(code)
    os.close(status_write)
    sandbox.exit_as(pid, status_read)
    return sandbox.SETUP_FAILED  # not reached: exit_as exits


def place_fds(request_fd: int, reply_fd: int, log_fd: int, go_fd: int) -> None:
    """fd 0 /dev/null, 1 and 2 the log, 3 request, 4 reply, 5 go; every other fd (the control
    socket, other workers' pipes) closed."""
    devnull = os.open(os.devnull, os.O_RDWR)
    # First above every target, so that no dup2 below closes a descriptor still to be placed.
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, GO_FD + 1) for fd in (devnull, log_fd, request_fd, reply_fd, go_fd)]
    for target, source in zip((0, 1, 2, REQUEST_FD, REPLY_FD, GO_FD), (moved[0], moved[1], *moved[1:])):
        os.dup2(source, target, inheritable=target <= 2)
    os.closerange(GO_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def read_go(fd: int) -> int | None:
    """The grader's go line: the worker's uid, or "none" (keep the user namespace's root)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 64)
        if not chunk:  # the grader gave up on this worker before it started
            os._exit(0)
        data += chunk
    os.close(fd)
    text = data.decode().strip()
    return None if text == "none" else int(text)


def enter(cwd: str, env: dict[str, str]) -> None:
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)


# -- B: PID 1 of the worker's namespace --------------------------------------------------------
def worker_init(request: dict, worker_id: int | None, status_write: int, run_worker) -> None:
    plan = request["sandbox"]
    try:
        sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, "prctl(PDEATHSIG)")
        sandbox.prctl(sandbox.PR_SET_DUMPABLE, 0, "prctl(DUMPABLE)")  # closed to the worker
        sandbox.mount(None, "/", None, sandbox.MS_REC | sandbox.MS_PRIVATE)
        # Over the template's empty, read-only one: what this worker writes, no other sees.
        sandbox.mount("tmpfs", SCRATCH, "tmpfs", sandbox.MS_NOSUID | sandbox.MS_NODEV, plan["scratch_options"])
        if worker_id is not None:
            os.chown(SCRATCH, worker_id, worker_id)
        sandbox.mount("proc", "/proc", "proc", sandbox.MS_NOSUID | sandbox.MS_NODEV | sandbox.MS_NOEXEC)
        sandbox.bind("/proc/sys", "/proc/sys", "ro", sandbox.mount_points())
        name = plan["hostname"].encode()
        sandbox.check(sandbox.libc.sethostname(name, len(name)), "sethostname")
    except (OSError, sandbox.SandboxError) as error:
        _report(error)
        os._exit(sandbox.SETUP_FAILED)
    command = os.fork()
    if command == 0:
        code = sandbox.SETUP_FAILED
        try:
            os.close(status_write)
            code = worker_command(request, worker_id, run_worker)
        except BaseException as error:  # noqa: BLE001
            _report(error)
        os._exit(code)
    for fd in (REQUEST_FD, REPLY_FD):  # inside the worker's namespace, only C holds them
        os.close(fd)
    sandbox.reap_until(command, status_write)


# -- C: the worker -------------------------------------------------------------------------------
def worker_command(request: dict, worker_id: int | None, run_worker) -> int:
    try:
        os.setsid()  # killpg(0) reaches nothing but its own processes
        sandbox.drop_privileges(worker_id)
        # As after an exec: its own /proc entries belong to it again (dropping the uid cleared it).
        sandbox.prctl(sandbox.PR_SET_DUMPABLE, 1, "prctl(DUMPABLE)")
        enter(request["cwd"], request["env"])  # as the worker's uid: the scratch is its alone
    except (OSError, sandbox.SandboxError) as error:
        _report(error)
        return sandbox.SETUP_FAILED
    reseed()
    return run_worker(REQUEST_FD, REPLY_FD)


def reseed() -> None:
    """A fresh interpreter seeds NumPy's global generator from the OS; a forked one would
    repeat its template's. (``random`` reseeds itself after a fork.)"""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()
