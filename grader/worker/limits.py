"""The ``setrlimit`` calls made in a worker's child between fork and exec, from the numbers of
``grader.limits.Limits``.

RLIMIT_NPROC counts every process and thread of the *user*, not of the worker, and the kernel
does not enforce it for root (CAP_SYS_RESOURCE / CAP_SYS_ADMIN). The worker therefore gets
"the user's current count + max_processes", and where a cgroup can be made the launcher also
sets its ``pids.max``, which holds for root too.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from pathlib import Path

from grader.limits import Limits


def user_task_count(uid: int) -> int:
    """Processes and threads of ``uid``: what RLIMIT_NPROC compares against."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            total += int(fields.get("Threads", "1"))
    return total


def _nproc(max_processes: int) -> int:
    uid = os.getuid()
    # The kernel exempts root, so counting root's tasks (a /proc scan) would buy nothing.
    return max_processes if uid == 0 else user_task_count(uid) + max_processes


def _capped(limit: int, value: int) -> tuple[int, int]:
    """(soft, hard) = value, lowered to the current hard limit: a child cannot raise it."""
    _, hard = resource.getrlimit(limit)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    return value, value


def rlimits(limits: Limits) -> list[tuple[int, tuple[int, int]]]:
    """The (resource, (soft, hard)) pairs for a worker, computed in the parent."""
    cpu_soft, cpu_hard = _capped(resource.RLIMIT_CPU, int(limits.cpu_seconds) + 5)
    # SIGXCPU at the soft limit names the cause; SIGKILL at the hard one is the backstop.
    return [
        (resource.RLIMIT_CPU, (max(1, min(int(limits.cpu_seconds), cpu_soft)), cpu_hard)),
        (resource.RLIMIT_AS, _capped(resource.RLIMIT_AS, limits.memory_bytes)),
        (resource.RLIMIT_FSIZE, _capped(resource.RLIMIT_FSIZE, limits.file_bytes)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NPROC, _capped(resource.RLIMIT_NPROC, _nproc(limits.max_processes))),
    ]


def preexec(pairs: list[tuple[int, tuple[int, int]]]) -> Callable[[], None]:
    """The function subprocess runs in the child before exec: only setrlimit calls, no
    allocation-heavy Python, as it runs between fork and exec."""

    def apply() -> None:
        for limit, values in pairs:
            resource.setrlimit(limit, values)

    return apply
