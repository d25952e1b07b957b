"""The worker's files (``server.py``, ``protocol.py``, links to the allowed packages), installed
once per grading process and shared by all its workers, instead of copied for each one.

    server, import_paths = shared_runtime()

It lives in the system's temporary folder, as the worker templates do (a worker's ``temp_root``
holds its own folder only). The folder is claimed like a worker's (``grader.worker.leftovers``: swept once this process is
gone) and removed when the process exits. Workers only read it: the namespace sandbox binds its
files read-only, and a worker forked from a template never opens it at all.
"""

from __future__ import annotations

import atexit
import multiprocessing.util
import os
import tempfile
import threading
from pathlib import Path

from grader.worker import leftovers
from grader.worker.launcher import install_runtime

_installed: list[tuple[int, Path, Path, tuple[str, ...]]] = []
_lock = threading.Lock()


def shared_runtime() -> tuple[Path, tuple[str, ...]]:
    """(server.py, import paths) of this process's runtime."""
    with _lock:
        if _installed and _installed[-1][0] == os.getpid() and _installed[-1][1].is_dir():
            return _installed[-1][2], _installed[-1][3]
        folder = Path(tempfile.mkdtemp(prefix=leftovers.PREFIX))
        leftovers.claim(folder)
        server, import_paths = install_runtime(folder / "runtime")
        _installed.append((os.getpid(), folder, server, import_paths))
        return server, import_paths


def _remove() -> None:
    for pid, folder, _, _ in _installed:
        if pid == os.getpid():
            leftovers.remove_tree(folder)


atexit.register(_remove)
multiprocessing.util.Finalize(None, _remove, exitpriority=5)  # a pool process exits without atexit
