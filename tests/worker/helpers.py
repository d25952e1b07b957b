"""Shared helpers of the worker tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from grader.grading.extract import CodeChunk


MISBEHAVING = '''
import numpy as np
import os, signal, subprocess, sys, time

def ok(x):
    return 2 * x

def spin():
    while True:
        pass

def hard_exit():
    os._exit(7)

def segfault():
    import ctypes
    ctypes.string_at(0)

def memory_bomb():
    hoard = []
    while True:
        hoard.append(np.ones(10**7))

def big_file():
    with open("big.bin", "wb") as f:
        f.write(b"x" * (4 * 1024**2))

def burn():
    end = time.process_time() + 60
    while time.process_time() < end:
        pass

def fork_burst(n):
    made = 0
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(600)
            os._exit(0)
        made += 1
    return made
'''
"""Student functions that hang, crash, exhaust a limit or fork, for the worker and isolation
tests; each test module appends its own to it."""


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
