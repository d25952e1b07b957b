"""A grading process lends its core while the student it waits on is asleep.

A submission whose function sleeps (``time.sleep(1000)``, a blocking read) holds its grading
process for every call's full time limit, using no CPU; with one grading process per core, the
machine idles. While a call has waited longer than ``WAIT_BEFORE_LENDING`` and the student's
process tree has used less than ``IDLE_SHARE`` of a core since the last look, this process
counts itself in a counter shared with the batch, which starts one more submission per lent
core; it takes the core back as soon as the student uses the CPU again, or the call ends. The
time limits do not change: every call still gets its full limit, so no grade depends on it.

    install(counter)                 # in a pool process: a multiprocessing.Value("i") of the batch
    with Wait(pid) as wait:          # around one wait for a reply (a no-op when not installed)
        wait.look()                  # now and then while no reply has come
"""

from __future__ import annotations

import contextlib
import os
import time

WAIT_BEFORE_LENDING = 0.25
"""Seconds a call waits before the student's CPU use is looked at (most calls take milliseconds)."""
LOOK_EVERY = 0.1
"""Seconds between looks at the student's CPU use while lending is possible."""
IDLE_SHARE = 0.2
"""Below this share of one core since the last look, the student is asleep: the core is lent."""
BUSY_SHARE = 0.5
"""At or above it, the student computes again: the core is taken back (between the two: no change)."""

_TICKS = os.sysconf("SC_CLK_TCK")
_lent_cores = None  # the batch's multiprocessing.Value("i"), in a pool process only


def install(counter) -> None:
    """Make this process lend its core through ``counter`` (the pool process initializer)."""
    global _lent_cores
    _lent_cores = counter


def installed() -> bool:
    return _lent_cores is not None


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by ``pid`` and every live descendant, from
    ``/proc``; None when ``pid`` cannot be read (gone, or another user's under ``hidepid``) or
    this kernel does not list children (then a sleeping sandbox init would hide a busy student)."""
    if not os.path.exists(f"/proc/{pid}/task/{pid}/children"):
        return None
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
        except OSError:
            if current == pid:
                return None
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with contextlib.suppress(OSError), open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
    return total / _TICKS


class Wait:
    """One wait for a reply from the worker whose outermost process is ``pid``; as a context,
    whatever it lent is taken back when the wait ends, however it ends."""

    def __init__(self, pid: int, now: float | None = None):
        self.pid = pid
        self.started = time.monotonic() if now is None else now
        self.lent = False
        self._last: tuple[float, float] | None = None  # (time, tree CPU seconds) of the last look

    def __enter__(self) -> Wait:
        return self

    def __exit__(self, *exc_info) -> None:
        self.end()

    def look(self, now: float | None = None) -> None:
        """Lend or take back the core from what the student used since the last look."""
        now = time.monotonic() if now is None else now
        if _lent_cores is None or now - self.started < WAIT_BEFORE_LENDING:
            return
        if self._last is not None and now - self._last[0] < LOOK_EVERY:
            return
        used = tree_cpu_seconds(self.pid)
        if used is None:
            self._set(False)
            return
        if self._last is not None:
            share = (used - self._last[1]) / max(now - self._last[0], 1e-6)
            if share < IDLE_SHARE:
                self._set(True)
            elif share >= BUSY_SHARE:
                self._set(False)
        self._last = (now, used)

    def end(self) -> None:
        self._set(False)

    def _set(self, lent: bool) -> None:
        if lent == self.lent or _lent_cores is None:
            return
        with _lent_cores.get_lock():
            _lent_cores.value += 1 if lent else -1
        self.lent = lent
