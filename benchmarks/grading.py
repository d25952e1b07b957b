"""Grading throughput: N copies of an assignment's reference solution graded at --jobs 1 and
--jobs 2 (fresh gradebook each time), printing submissions per minute, wall seconds per
submission per core, and CPU seconds per submission: all the CPU time the run took, grader,
pool, sandboxed workers and outputs alike, read from a cpuacct cgroup the benchmark moves
itself into (where it may; "n/a" otherwise).

    .venv/bin/python benchmarks/grading.py [--assignment 02_backprop] [--copies 8] [--isolation auto]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from grader.grading.batch import grade_batch
from grader.build.pipeline import build_course
from grader.config import load_course
from grader.bundle import AssignmentBundle

ROOT = Path(__file__).resolve().parents[1]
CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class CpuMeter:
    """CPU nanoseconds used by this process and every process it starts from now on (they
    inherit its cgroup, sandboxed workers included; the worker cgroups are pids/unified only)."""

    def __init__(self):
        self.usage = None
        self.home = _own_cpuacct_group()
        self.group = CPUACCT / f"nnf-benchmark-{os.getpid()}"
        if self.home is None:
            return
        try:
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
            self.usage = self.group / "cpuacct.usage"
        except OSError:
            pass

    def read(self) -> float | None:
        """CPU seconds so far, or None where there is no cpuacct cgroup to use."""
        return int(self.usage.read_text()) / 1e9 if self.usage else None

    def close(self) -> None:
        """Move this process and what is left of its children (the fork server) back home, and
        remove the group."""
        if self.usage is None:
            return
        with contextlib.suppress(OSError):
            for pid in (self.group / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    (self.home / "cgroup.procs").write_text(pid)
            self.group.rmdir()


def _own_cpuacct_group() -> Path | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if "cpuacct" in controllers.split(",") and CPUACCT.is_dir():
                return CPUACCT / path.lstrip("/")
    return None


def grade_copies(bundle: AssignmentBundle, subs: Path, out: Path, *, copies: int, jobs: int, isolation: str,
                 meter: CpuMeter) -> tuple[float, float | None, set[float]]:
    """(wall seconds, CPU seconds or None, the scores) of grading every copy with ``jobs``."""
    start, cpu_start = time.perf_counter(), meter.read()
    result = grade_batch(bundle=bundle, paths=[subs], out=out, secret="bench", jobs=jobs, isolation=isolation)
    seconds, cpu_end = time.perf_counter() - start, meter.read()
    cpu = cpu_end - cpu_start if cpu_end is not None else None
    return seconds, cpu, {r.score for r in result.records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02_backprop")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    course = load_course(ROOT / "course.toml")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build_course(course, slugs=[args.assignment], out=tmp / "build")
        bundle = AssignmentBundle.load(tmp / "build" / "autograder" / args.assignment)
        source = tmp / "build" / "source" / args.assignment / f"{args.assignment}.ipynb"
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.copies):
            shutil.copy(source, subs / f"student{i:03d}.ipynb")
        print(f"{args.assignment}: {len(bundle.task_points)} tasks, {bundle.max_score:g} points; "
              f"{args.copies} submissions; {os.cpu_count()} cores; isolation {args.isolation}")
        baseline = None
        meter = CpuMeter()
        try:
            for jobs in (1, 2):
                seconds, cpu, scores = grade_copies(bundle, subs, tmp / f"out{jobs}", copies=args.copies,
                                                    jobs=jobs, isolation=args.isolation, meter=meter)
                per_minute = 60 * args.copies / seconds
                baseline = baseline or per_minute
                cpu_text = f"{cpu / args.copies:5.2f}" if cpu is not None else "  n/a"
                print(f"--jobs {jobs}: {seconds:6.1f} s, {per_minute:6.1f} submissions/min, "
                      f"{seconds * jobs / args.copies:5.2f} s per submission per core, "
                      f"{cpu_text} CPU s per submission, speed-up x{per_minute / baseline:.2f}, "
                      f"scores {sorted(scores)}")
        finally:
            meter.close()


if __name__ == "__main__":
    main()
