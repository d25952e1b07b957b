"""Choosing how strongly student code is isolated: ``--isolation {auto,namespace,process}``.

    namespace  the worker in its own mount, PID, network, IPC, UTS and cgroup namespaces, with a
               read-only whitelisted root and an unprivileged uid (``grader.worker.namespace``)
    process    a plain child process with rlimits and a scrubbed environment (``ProcessLauncher``)
    auto       namespace where this machine supports it (probed once per process), else process
               with a warning saying what is lost

See docs/threat-model.md for what each level does and does not protect.
"""

from __future__ import annotations

import warnings

from grader.errors import UserError

ISOLATION_LEVELS = ("auto", "namespace", "process")

LOST_WITHOUT_NAMESPACES = (
    "student code runs as the grader's user and can read everything that user can (the reference, "
    "hidden tests, course.toml and its secret, other submissions, the gradebook), see and signal "
    "the grader's processes through /proc, and use the network")


class IsolationUnavailable(UserError):
    """``--isolation namespace`` was asked for on a machine where the sandbox cannot start."""


class IsolationWarning(UserWarning):
    """``auto`` fell back to the plain process sandbox."""


def launcher_for(isolation: str):
    """The worker launcher for an isolation level (auto: the strongest this machine supports)."""
    from grader.worker.launcher import ProcessLauncher
    from grader.worker.namespace import NamespaceLauncher, namespace_support

    if isolation not in ISOLATION_LEVELS:
        raise ValueError(f"unknown isolation {isolation!r}; choose one of {', '.join(ISOLATION_LEVELS)}")
    if isolation == "process":
        return ProcessLauncher()
    support = namespace_support()
    if support.ok:
        return NamespaceLauncher()
    if isolation == "namespace":
        raise IsolationUnavailable(f"--isolation namespace is not available on this machine: {support.reason}. "
                                   "Use --isolation process only if you trust the submissions (see docs/threat-model.md).")
    warnings.warn(f"namespace isolation is unavailable ({support.reason}); falling back to process isolation: "
                  f"{LOST_WITHOUT_NAMESPACES}", IsolationWarning, stacklevel=2)
    return ProcessLauncher()


def resolve_isolation(isolation: str) -> str:
    """The concrete level ("namespace" or "process") that ``launcher_for(isolation)`` gives here:
    resolved once by the parent of a batch, so the probe, its warning and an unavailable
    ``namespace`` happen before any submission is graded."""
    from grader.worker.namespace import NamespaceLauncher

    return "namespace" if isinstance(launcher_for(isolation), NamespaceLauncher) else "process"
