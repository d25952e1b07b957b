"""Shared helpers of the worker tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from grader.extract import CodeChunk


def chunks(*sources: str) -> list[CodeChunk]:
    """One solution chunk per source (dedented), cell indices 0, 1, ..."""
    return [CodeChunk(i, "solution", textwrap.dedent(source)) for i, source in enumerate(sources)]


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a zombie runs nothing and holds nothing)."""
    try:
        import psutil
    except ImportError:
        stat = Path(f"/proc/{pid}/stat")
        try:
            return stat.read_text().rpartition(")")[2].split()[0] != "Z"
        except OSError:
            return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def marked(marker: str) -> list[int]:
    """Live processes carrying a worker's environment marker."""
    from grader.worker.tracking import marked_pids

    return [pid for pid in marked_pids(marker) if alive(pid)]
