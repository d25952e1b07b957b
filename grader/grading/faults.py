"""Fault injection points, so the tests can prove that no stage of grading stops a batch.

Each stage of grading one submission calls ``inject(stage, student)``. It does nothing unless
the environment variable ``NNF_INJECT_FAULT`` names that stage and student, as
``STAGE:STUDENT[,STAGE:STUDENT...]``; then it fails the way that stage could fail for real:

    read, extract, worker, suite, record   raise InjectedFault in the pool process
    result                                  the pool's answer cannot be read (grader side)
    export                                  writing the student's files raises
    pool                                    the pool process dies (SIGKILL to itself)

The variable is read from the environment of the process, so it reaches the pool processes of
a ``course grade`` started with it. A course never sets it.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "NNF_INJECT_FAULT"
STAGES = ("read", "extract", "worker", "suite", "record", "result", "export", "pool")


class InjectedFault(RuntimeError):
    """The failure ``NNF_INJECT_FAULT`` asked for."""


def _wanted(stage: str, student: str) -> bool:
    spec = os.environ.get(ENVIRONMENT_VARIABLE)
    if not spec:
        return False
    return f"{stage}:{student}" in spec.split(",")


def inject(stage: str, student: str = "") -> None:
    """Fail here if ``NNF_INJECT_FAULT`` asks for ``stage`` with ``student``."""
    if not student or not _wanted(stage, student):
        return
    if stage == "pool":
        os.kill(os.getpid(), signal.SIGKILL)
    raise InjectedFault(f"fault injected at stage {stage!r} for {student!r}")
