"""Choosing how strongly student code is isolated: ``--isolation {auto,namespace,process}``."""

from __future__ import annotations

ISOLATION_LEVELS = ("auto", "namespace", "process")


def launcher_for(isolation: str):
    """The worker launcher for an isolation level (auto: the strongest this machine supports)."""
    from grader.worker.launcher import ProcessLauncher

    if isolation not in ISOLATION_LEVELS:
        raise ValueError(f"unknown isolation {isolation!r}; choose one of {', '.join(ISOLATION_LEVELS)}")
    return ProcessLauncher()
