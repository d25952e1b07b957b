"""Finding and killing every process a worker started, including ones in new sessions.

Three nets, strongest first:
- a cgroup made for the worker (v2, and v1 ``pids`` when mounted) when this user may create
  one: nothing forked inside can leave it; ``cgroup.kill`` (or a kill loop) empties it, and
  ``pids.max`` bounds the number of processes even for root;
- the worker's process group (it starts its own session);
- a unique environment marker (``NNF_WORKER_MARKER``), found by scanning ``/proc/*/environ``:
  catches descendants that left the process group, unless they also dropped the variable.
The namespace launcher adds a PID namespace of its own, which makes the last two moot there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

MARKER_VARIABLE = "NNF_WORKER_MARKER"


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, filesystem type, super options) of every cgroup mount."""
    found = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) >= 5 and len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
                found.append((fields[4], tail[0], set(tail[2].split(","))))
    return found


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per hierarchy: "" for v2, the controller list for v1."""
    paths = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path
    return paths


def _keyed_cgroup_parents() -> list[tuple[str, Path]]:
    """(hierarchy, this process's cgroup folder in it) for v2 and v1 ``pids`` mounts."""
    own = _own_paths()
    parents = []
    for mount, kind, options in _mounts():
        key = "" if kind == "cgroup2" else ("pids" if "pids" in options else None)
        if key is not None and key in own:
            parents.append((key, Path(mount + own[key].rstrip("/"))))
    return parents


def cgroup_parents() -> list[Path]:
    """Where worker cgroups are made: this process's own cgroup in each usable hierarchy."""
    return [parent for _, parent in _keyed_cgroup_parents()]


class Cgroups:
    """The cgroups made for one worker (possibly none); add the worker, then kill them empty."""

    def __init__(self, directories: list[Path]):
        self.directories = directories

    @classmethod
    def create(cls, name: str, max_processes: int) -> Cgroups:
        made: list[Path] = []
        used: set[str] = set()
        for key, parent in _keyed_cgroup_parents():
            if key in used:
                continue
            directory = parent / name
            try:
                directory.mkdir()
            except OSError:
                continue
            with contextlib.suppress(OSError):
                (directory / "pids.max").write_text(str(max_processes))
            made.append(directory)
            used.add(key)
        return cls(made)

    @property
    def limits_processes(self) -> bool:
        return any((d / "pids.max").exists() for d in self.directories)

    def add(self, pid: int) -> None:
        """Move ``pid`` in; a cgroup that refuses it is dropped (delegation rules)."""
        for directory in list(self.directories):
            try:
                (directory / "cgroup.procs").write_text(str(pid))
            except OSError:
                self._remove(directory)
                self.directories.remove(directory)

    def pids(self) -> set[int]:
        found: set[int] = set()
        for directory in self.directories:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(p) for p in (directory / "cgroup.procs").read_text().split())
        return found

    def kill(self, timeout: float = 5.0) -> None:
        for directory in self.directories:
            with contextlib.suppress(OSError):
                (directory / "cgroup.kill").write_text("1")
        deadline = time.monotonic() + timeout
        pause = 0.0005  # killed processes are usually gone within a millisecond: check soon, then less often
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(pause)
            pause = min(2 * pause, 0.005)

    def remove(self) -> None:
        for directory in self.directories:
            self._remove(directory)
        self.directories = []

    @staticmethod
    def _remove(directory: Path, timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while True:
            try:
                directory.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(pause)
                pause = min(2 * pause, 0.01)


def marked_pids(marker: str) -> list[int]:
    """Live processes whose initial environment holds ``NNF_WORKER_MARKER=marker``."""
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_marked(marker: str, rounds: int = 50) -> None:
    """SIGKILL marked processes until none is left (a fork in flight may need a second round)."""
    for _ in range(rounds):
        pids = marked_pids(marker)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)


def kill_group(pgid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)
