"""The grader's side of the worker template (``zygote.py``): one template per grading process
and kind of sandbox, started on first use and replaced if it dies, and the workers forked from it.

    template = template_for(key, start)          # start() -> Template.start(launch, ...)
    process = fork_worker(template, spec, ...)   # a WorkerProcess, like a launched one

A forked worker is a ``WorkerProcess`` like any other: ``pid`` (its host pid), ``poll()`` and
``kill()`` (the process group, the cgroup, in process mode the environment marker; then the
template reaps it and reports its status). Only the template reaps its workers, and only when
asked: until ``kill`` or ``poll`` has the status, the worker's pid (and its process group) cannot
be reused, so killing the group by number is safe.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import multiprocessing.util
import os
import select
import signal
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from grader.worker import leftovers
from grader.worker.errors import WorkerStartError
from grader.worker.launcher import LaunchSpec, WorkerProcess, install_runtime
from grader.worker.limits import rlimits
from grader.worker.tracking import Cgroups, kill_group, kill_marked

SHIPPED = (("nnf_sandbox_init", "sandbox_init.py"), ("nnf_zygote", "zygote.py"))
"""The template's own code, sent on its stdin: (module name, file of this package)."""
REPLY_SECONDS = 10.0
"""A template answers a fork or reap request at once; one that does not is replaced."""
MAX_TEMPLATES = 4
"""Templates kept per process (one per assignment's preloads and sandbox kind in practice)."""
_MESSAGE = 1 << 16


class TemplateGone(Exception):
    """The template died or stopped answering (the worker asked for is not started)."""


def payload() -> bytes:
    """What the template reads on stdin: its modules' sources as JSON."""
    here = Path(__file__).parent
    return json.dumps([[name, (here / file).read_text()] for name, file in SHIPPED]).encode()


class Template:
    """One running template: its process, its control socket, its folder and log."""

    def __init__(self, process: WorkerProcess, control: socket.socket, pidfd: int, base: Path, log, info: dict):
        self.process = process
        """What the launcher started (in namespace mode the sandbox's outer process)."""
        self.control = control
        self.pidfd = pidfd
        self.pid = host_pid(pidfd)
        """The template's own pid, as this process sees it."""
        self.base = base
        self.log = log
        self.info = info
        """What the launcher that started it keeps about it (e.g. how worker uids are chosen)."""
        self.lock = threading.Lock()  # one request and its reply at a time
        self.closed = False

    @classmethod
    def start(cls, launch: Callable[..., WorkerProcess], *, timeout: float, temp_root: str | None = None,
              info: dict | None = None) -> Template:
        """``launch(control_fd=, log_fd=, server=, import_paths=, base=)`` starts the template's
        process; this waits until it has imported everything and says it is ready."""
        base = Path(tempfile.mkdtemp(prefix=leftovers.PREFIX, dir=temp_root))
        leftovers.claim(base)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        log = tempfile.TemporaryFile(dir=temp_root)
        process = None
        try:
            server, import_paths = install_runtime(base / "runtime")
            process = launch(control_fd=theirs.fileno(), log_fd=log.fileno(), server=server,
                             import_paths=import_paths, base=base)
            theirs.close()
            ours.settimeout(timeout)
            try:
                ready, own, _, _ = socket.recv_fds(ours, _MESSAGE, 1)
            except OSError:
                ready, own = b"", []
            if not ready or len(own) != 1:
                raise WorkerStartError(f"the worker template did not start; log: {_tail(log)}")
            ours.settimeout(REPLY_SECONDS)
        except BaseException:
            theirs.close()
            ours.close()
            if process is not None:
                process.kill()
            log.close()
            leftovers.remove_tree(base)
            raise
        return cls(process, ours, own[0], base, log, info or {})

    def alive(self) -> bool:
        return not self.closed and not select.select([self.pidfd], [], [], 0)[0]

    def request(self, message: dict, fds: list[int] = ()) -> tuple[dict, list[int]]:
        """Send one request (with ``fds``), return the reply and the fds it carries."""
        with self.lock:
            try:
                socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
                data, received, _, _ = socket.recv_fds(self.control, _MESSAGE, 1)
            except OSError as error:  # timeout included: a late answer must never pass for the next one's
                self.close()
                raise TemplateGone(f"the worker template stopped answering ({error})") from None
        if not data:
            self.close()
            raise TemplateGone("the worker template has exited")
        reply = json.loads(data)
        if "error" in reply:
            for fd in received:
                os.close(fd)
            raise WorkerStartError(f"the worker template could not fork a worker: {reply['error']}")
        return reply, received

    def close(self) -> None:
        """End the template (its workers die with it) and remove its folder."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self.control.close()  # end of file: the template returns
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(OSError):
            os.close(self.pidfd)
        self.log.close()
        leftovers.remove_tree(self.base)


def _tail(log, size: int = 2000) -> str:
    with contextlib.suppress(OSError, ValueError):
        end = os.fstat(log.fileno()).st_size
        return os.pread(log.fileno(), size, max(0, end - size)).decode("utf-8", "replace").strip()
    return ""


def host_pid(pidfd: int) -> int:
    """The pid, in this process's PID namespace, of the process behind ``pidfd``."""
    with open(f"/proc/self/fdinfo/{pidfd}") as handle:
        for line in handle:
            if line.startswith("Pid:"):
                pid = int(line.split()[1])
                if pid > 0:
                    return pid
    raise WorkerStartError("the forked worker exited before it started")


class TemplateWorker:
    """A worker forked by a template (the ``WorkerProcess`` protocol)."""

    def __init__(self, template: Template, template_pid: int, pidfd: int, cgroups: Cgroups, marker: str,
                 *, marked: bool):
        self.template = template
        self.template_pid = template_pid  # its pid where the template sees it
        self.pidfd = pidfd
        self.pid = host_pid(pidfd)
        self.cgroups = cgroups
        self.marker = marker
        self.marked = marked  # process mode: descendants that left the group carry the marker
        self.status: int | None = None

    def _exited(self) -> bool:
        return bool(select.select([self.pidfd], [], [], 0)[0])

    def _reap(self) -> int:
        try:
            reply, _ = self.template.request({"op": "reap", "pid": self.template_pid})
            return os.waitstatus_to_exitcode(reply["status"])
        except (TemplateGone, WorkerStartError, KeyError, TypeError, ValueError):
            return -signal.SIGKILL  # the template died, and its workers with it

    def poll(self) -> int | None:
        if self.status is None and self._exited():
            self.status = self._reap()
        return self.status

    def kill(self) -> int | None:
        if self.status is None:
            kill_group(self.pid)  # not reaped yet: the pid, and so the group, is still this one's
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        self.cgroups.kill()
        if self.marked:
            kill_marked(self.marker)
        if self.status is None:
            self.status = self._reap()
        if self.marked:
            kill_marked(self.marker)
        self.cgroups.remove()
        with contextlib.suppress(OSError):
            os.close(self.pidfd)
        return self.status


def fork_worker(template: Template, spec: LaunchSpec, *, env: dict[str, str], cwd: str, sandbox: dict | None,
                cgroups: Cgroups, worker_id: Callable[[int], int | None], marked: bool) -> TemplateWorker:
    """Fork a worker for ``spec`` from ``template``: into ``cgroups``, as ``worker_id(host pid)``."""
    go_read, go_write = os.pipe()
    worker = None
    try:
        request = {"op": "fork", "rlimits": rlimits(spec.limits), "env": env, "cwd": cwd, "sandbox": sandbox}
        try:
            reply, received = template.request(request, [spec.read_fd, spec.write_fd, spec.log_fd, go_read])
        finally:
            os.close(go_read)
        try:
            if len(received) != 1:
                raise TemplateGone(f"no pidfd came with the template's reply {str(reply)[:200]}")
            worker = TemplateWorker(template, reply["pid"], received[0], cgroups, spec.marker, marked=marked)
        except BaseException:
            for fd in received:
                os.close(fd)
            raise
        # In its cgroup before it forks anything: the go line is what it waits for.
        cgroups.add(worker.pid)
        uid = worker_id(worker.pid)
        os.write(go_write, f"{'none' if uid is None else uid}\n".encode())
        return worker
    except BaseException:
        if worker is not None:
            worker.kill()
        raise
    finally:
        os.close(go_write)


_templates: dict[tuple, Template] = {}
_registry_lock = threading.Lock()


def template_for(key: tuple, start: Callable[[], Template]) -> Template:
    """This process's running template for ``key``, started (or replaced) with ``start``."""
    with _registry_lock:
        known = _templates.get(key)
        if known is not None and known.alive():
            return known
        if known is not None:
            del _templates[key]
            known.close()
        while len(_templates) >= MAX_TEMPLATES:
            _templates.pop(next(iter(_templates))).close()
        _templates[key] = template = start()
        return template


def discard(key: tuple, template: Template) -> None:
    """Close ``template`` (it failed) so that the next ``template_for(key, ...)`` starts anew."""
    with _registry_lock:
        if _templates.get(key) is template:
            del _templates[key]
    template.close()


def close_all() -> None:
    """End every template of this process (at its exit; a pool process exits without atexit)."""
    with _registry_lock:
        while _templates:
            _templates.popitem()[1].close()


def _forget_inherited() -> None:
    """A forked copy of this process shares the templates' sockets: it must start its own,
    and never end its parent's."""
    _templates.clear()


atexit.register(close_all)
multiprocessing.util.Finalize(None, close_all, exitpriority=10)
os.register_at_fork(after_in_child=_forget_inherited)
