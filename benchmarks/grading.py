"""Grading throughput on a mixed population: N submissions of one assignment (the sample
students in turn: complete, untouched, partial, buggy; plus a few crashers and sleepers),
graded in one batch per --jobs value (fresh gradebook each time). Prints the total wall time,
seconds per submission, CPU seconds per submission (all the CPU time the run took, grader,
pool, sandboxed workers and outputs alike, read from a cpuacct cgroup the benchmark moves
itself into, where it may; "n/a" otherwise), and the grader process's memory over the batch:
its RSS at 10 %, 50 % and 100 % of the submissions (flat or not) and its peak.

    .venv/bin/python benchmarks/grading.py [--assignment 01_activations] [--count 1000]
        [--crashers 5] [--sleepers 5] [--jobs 2] [--isolation auto]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import CpuMeter, PeakMemory, build_assignment, load_average, mixed_population  # noqa: E402
from grader.grading.batch import grade_batch  # noqa: E402
from grader.bundle import AssignmentBundle  # noqa: E402

def grade_population(bundle: AssignmentBundle, subs: Path, out: Path, *, count: int, jobs: int, isolation: str,
                     meter: CpuMeter) -> tuple[float, float | None, collections.Counter, PeakMemory]:
    """(wall seconds, CPU seconds or None, statuses, the grader's memory) of grading every
    submission with ``jobs``."""
    memory = PeakMemory(count)
    done = 0

    def on_progress(student, record):
        nonlocal done
        done += 1
        memory.mark(done)

    start, cpu_start = time.perf_counter(), meter.read()
    result = grade_batch(bundle=bundle, paths=[subs], out=out, secret="bench", jobs=jobs, isolation=isolation,
                         on_progress=on_progress)
    seconds, cpu_end = time.perf_counter() - start, meter.read()
    cpu = cpu_end - cpu_start if cpu_end is not None else None
    return seconds, cpu, collections.Counter(r.status for r in result.records), memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_activations")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--crashers", type=int, default=5)
    parser.add_argument("--sleepers", type=int, default=5)
    parser.add_argument("--jobs", default="2", help="one or more, comma-separated: 1,2")
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnf-bench-grading-") as tmp:
        tmp = Path(tmp)
        bundle = build_assignment(args.assignment, tmp / "build")
        subs = tmp / "subs"
        kinds = mixed_population(subs, tmp / "build", args.assignment, count=args.count,
                                 crashers=args.crashers, sleepers=args.sleepers)
        print(f"{args.assignment}: {len(bundle.task_points)} tasks, {bundle.max_score:g} points; "
              f"{args.count} submissions {dict(kinds)}; {os.cpu_count()} cores; isolation {args.isolation}; "
              f"load average before: {load_average()}")
        baseline = None
        meter = CpuMeter()
        try:
            for jobs in (int(j) for j in args.jobs.split(",")):
                seconds, cpu, statuses, memory = grade_population(
                    bundle, subs, tmp / f"out{jobs}", count=args.count, jobs=jobs, isolation=args.isolation,
                    meter=meter)
                per_minute = 60 * args.count / seconds
                baseline = baseline or per_minute
                cpu_text = f"{cpu / args.count:5.3f}" if cpu is not None else "  n/a"
                print(f"--jobs {jobs}: {seconds:6.1f} s total, {seconds / args.count:6.3f} s per submission, "
                      f"{per_minute:6.1f} submissions/min, {cpu_text} CPU s per submission, "
                      f"speed-up x{per_minute / baseline:.2f}; statuses {dict(statuses)}")
                print(f"  grader memory: {memory.curve()}; peak {memory.peak:.0f} MiB; "
                      f"load average after: {load_average()}")
        finally:
            meter.close()


if __name__ == "__main__":
    main()
