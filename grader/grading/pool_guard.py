"""The processes of a batch die with its grader, even a grader killed with SIGKILL.

A batch runs multiprocessing's fork server (a child of the grader), pool processes forked from
it, and multiprocessing's resource tracker. A grader that is killed outright cannot stop them,
and a pool process waiting on its job queue never notices on its own. So:

- the fork server and every pool process ask the kernel for SIGKILL when their parent dies
  (``PR_SET_PDEATHSIG``): the grader's death kills the fork server, whose death kills the pool
  processes (whose sandboxed workers already die with them), and the resource tracker exits
  once nobody holds its pipe;
- each of them, and the resource tracker, is written with its start time into the grader's run
  folder (``nnf-grader-*`` in the temp directory, claimed like a worker folder), and the next
  batch's sweep (``grader.worker.leftovers``) kills what is listed there and still runs with
  the same start time once the grader is gone: by pid and start time, never by name.

The fork server imports this module as a preload (``grade_batch`` asks for it), which is the
only code multiprocessing runs there; importing it in a direct child of a grader that called
``prepare`` guards that child.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import sys
import tempfile
from pathlib import Path

from grader.worker import leftovers

RUN_FOLDER_ENV = "NNF_GRADER_RUN"
GRADER_PID_ENV = "NNF_GRADER_PID"
PROCESSES_FILE = "processes"
_PR_SET_PDEATHSIG = 1

_run_folder: Path | None = None


def prepare() -> Path:
    """Make this grader's run folder and publish it in the environment, before any pool or fork
    server starts (they inherit the environment). Idempotent within a process."""
    global _run_folder
    if _run_folder is None or not _run_folder.is_dir():
        _run_folder = Path(tempfile.mkdtemp(prefix=leftovers.RUN_PREFIX))
        leftovers.claim(_run_folder)
        atexit.register(leftovers.remove_tree, _run_folder)
    os.environ[RUN_FOLDER_ENV] = str(_run_folder)
    os.environ[GRADER_PID_ENV] = str(os.getpid())
    return _run_folder


def register(pid: int) -> None:
    """List ``pid`` (with its start time) among this grader's processes, for the sweep."""
    folder = os.environ.get(RUN_FOLDER_ENV)
    start = leftovers.start_time(pid)
    if folder and start is not None:
        with contextlib.suppress(OSError):
            with open(Path(folder) / PROCESSES_FILE, "a") as handle:  # O_APPEND: lines never interleave
                handle.write(f"{pid} {start}\n")


def register_resource_tracker() -> None:
    """The resource tracker has no hook of its own; its pid is read where multiprocessing keeps it."""
    from multiprocessing import resource_tracker

    pid = getattr(getattr(resource_tracker, "_resource_tracker", None), "_pid", None)
    if isinstance(pid, int):
        register(pid)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return  # elsewhere only the sweep applies
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                   ctypes.c_ulong(0), ctypes.c_ulong(0))


def _grader_alive() -> bool:
    pid = os.environ.get(GRADER_PID_ENV)
    return pid is None or leftovers.start_time(int(pid)) is not None


def guard_pool_process() -> None:
    """A pool process's initializer: die with the fork server, leave Ctrl-C to the grader (which
    stops the batch cleanly), and be listed for the sweep."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    register(os.getpid())
    if not _grader_alive():  # it died before the line above could take effect
        os._exit(1)


def _guard_fork_server() -> None:
    grader = os.environ.get(GRADER_PID_ENV)
    if grader is None or str(os.getppid()) != grader:
        return
    _die_with_parent()
    register(os.getpid())
    if str(os.getppid()) != grader:
        os._exit(1)


_guard_fork_server()
