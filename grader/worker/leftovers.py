"""What a grader killed with SIGKILL leaves behind, and its removal by the next one.

A worker's folder (``nnf-worker-*`` in the temp directory: scratch, runtime) and its cgroups
(``nnf-worker-*`` next to the grader's own) are removed when the worker closes. A grader that
is killed outright (OOM killer, CI timeout, ``kill -9``) cannot do that; its workers die with
it, but the folders and empty cgroups stay. ``sweep`` removes them at the start of a batch.

A grader's own processes (its fork server, pool processes and resource tracker; see
``grader.grading.pool_guard``) die with it; those that somehow remain are listed with their start times
in its run folder (``nnf-grader-*``), and ``sweep`` kills them once the grader is gone — by pid
and start time, never by name — and removes the folder.

A folder is claimed by its grader with an ``owner`` file (pid and start time, so a reused pid
does not keep it alive); one whose owner no longer runs is removed, one without an owner file
only once it is older than any worker lives. A cgroup is removed only when it is empty (the
kernel refuses otherwise) and old enough not to be one a running grader has just made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from grader.worker.tracking import cgroup_parents

PREFIX = "nnf-worker-"
RUN_PREFIX = "nnf-grader-"
OWNER_FILE = "owner"
UNCLAIMED_AGE = 3600.0
"""Seconds after which a worker folder without an owner file counts as left over."""
CGROUP_AGE = 60.0
"""Seconds after which an empty worker cgroup counts as left over."""


def start_time(pid: int) -> str | None:
    """Field 22 of /proc/<pid>/stat (clock ticks since boot), or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


def claim(folder: Path) -> None:
    """Mark ``folder`` as this process's, for as long as it runs."""
    (folder / OWNER_FILE).write_text(f"{os.getpid()} {start_time(os.getpid())}\n")


def _owner_alive(folder: Path) -> bool | None:
    """True/False for a claimed folder; None when it has no readable owner file."""
    try:
        pid_text, start = (folder / OWNER_FILE).read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    if start == "None":  # no /proc where it was claimed: the pid alone must do
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True  # it exists, as another user's process
        return True
    return start_time(pid) == start


def remove_tree(path: Path) -> None:
    """Remove ``path`` whatever it is, read-only entries a student made included; a symlink is
    removed itself, never followed."""

    def make_writable(function, target, _exc_info):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target), 0o700)
            if not os.path.islink(target):
                os.chmod(target, 0o700)
        with contextlib.suppress(OSError):
            function(target)

    if path.is_symlink() or (path.exists() and not path.is_dir()):
        with contextlib.suppress(OSError):
            path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, onerror=make_writable)


def _own_folders(temp_root: str | Path | None, prefix: str):
    """(folder, its lstat) for this user's real folders (no symlinks) named ``prefix*``."""
    root = Path(temp_root or tempfile.gettempdir())
    for folder in root.glob(f"{prefix}*"):
        try:
            info = folder.lstat()
        except OSError:
            continue
        if folder.is_dir() and not folder.is_symlink() and info.st_uid == os.getuid():
            yield folder, info


def sweep_folders(temp_root: str | Path | None = None, *, unclaimed_age: float = UNCLAIMED_AGE) -> list[Path]:
    """Remove this user's worker folders whose grader is gone; return them."""
    removed = []
    for folder, info in _own_folders(temp_root, PREFIX):
        alive = _owner_alive(folder)
        if alive or (alive is None and time.time() - info.st_mtime < unclaimed_age):
            continue
        remove_tree(folder)
        removed.append(folder)
    return removed


def sweep_cgroups(parents: list[Path] | None = None, *, min_age: float = CGROUP_AGE) -> list[Path]:
    """Remove empty worker cgroups older than ``min_age`` seconds from ``parents`` (default:
    where this process makes them); return them."""
    removed = []
    for parent in cgroup_parents() if parents is None else parents:
        for group in parent.glob(f"{PREFIX}*"):
            with contextlib.suppress(OSError):
                if time.time() - group.stat().st_mtime >= min_age:
                    group.rmdir()  # EBUSY while a process is in it
                    removed.append(group)
    return removed


def kill_listed(listing: Path) -> list[int]:
    """SIGKILL every process listed in ``listing`` (lines ``pid start_time``) that still runs with
    that start time; return their pids."""
    killed = []
    try:
        lines = listing.read_text().splitlines()
    except OSError:
        return killed
    for line in lines:
        try:
            pid_text, start = line.split()
            pid = int(pid_text)
        except ValueError:
            continue
        if pid != os.getpid() and start_time(pid) == start:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    return killed


def sweep_runs(temp_root: str | Path | None = None) -> list[int]:
    """Kill the listed processes of this user's graders that are gone, and remove their run
    folders; return the pids killed."""
    killed = []
    for folder, _ in _own_folders(temp_root, RUN_PREFIX):
        if _owner_alive(folder) is not False:
            continue
        killed += kill_listed(folder / "processes")
        remove_tree(folder)
    return killed


def sweep(temp_root: str | Path | None = None) -> int:
    """Remove what killed graders left behind (processes, folders, cgroups); how many."""
    return len(sweep_runs(temp_root)) + len(sweep_folders(temp_root)) + len(sweep_cgroups())
