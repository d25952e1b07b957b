"""Grading on Dask: the same N submissions (the mixed population of benchmarks/grading.py)
graded by the local pool at --jobs 1, then on a local Dask cluster of 1 and of 2 worker
processes (one thread each; fresh gradebook each time). Prints each run's wall time and
seconds per submission, the speed-up from 1 to 2 Dask workers, Dask's cost over the local pool
at one core, the cluster's start-up (not in the runs' times), and whether every record is the
same in all runs. The per-submission cost it prints is what docs/dask.md projects from.

    .venv/bin/python benchmarks/dask_scaling.py [--assignment 01_activations] [--count 60]
        [--isolation auto]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import build_assignment, load_average, mixed_population  # noqa: E402
from grader.grading.batch import grade_batch  # noqa: E402
from grader.cluster.executor import DaskGrading  # noqa: E402


def _records(result) -> dict[str, str]:
    return {r.student: json.dumps(json.loads(r.to_json()), sort_keys=True) for r in result.records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_activations")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnf-bench-dask-") as tmp_name:
        tmp = Path(tmp_name)
        bundle = build_assignment(args.assignment, tmp / "build")
        subs = tmp / "subs"
        kinds = mixed_population(subs, tmp / "build", args.assignment, count=args.count)
        print(f"{args.assignment}: {args.count} submissions {kinds}; {os.cpu_count()} cores; "
              f"isolation {args.isolation}; load average before: {load_average()}")
        runs = {}

        def timed(name: str, **options) -> float:
            start = time.perf_counter()
            result = grade_batch(bundle=bundle, paths=[subs], out=tmp / name.replace(" ", "-"), secret="bench",
                                 isolation=args.isolation, **options)
            seconds = time.perf_counter() - start
            runs[name] = _records(result)
            print(f"{name:>16}: {seconds:6.1f} s, {seconds / args.count:.3f} s per submission "
                  f"(load average {load_average()})", flush=True)
            return seconds

        local = timed("local --jobs 1", jobs=1)
        dask = {}
        for workers in (1, 2):
            start = time.perf_counter()
            with DaskGrading(local_workers=workers) as remote:
                remote.worker_threads()  # the cluster is up
                started = time.perf_counter() - start
                dask[workers] = timed(f"dask {workers} worker{'s' if workers > 1 else ''}", remote=remote)
            print(f"{'':>16}  (cluster start-up {started:.1f} s, not counted)")
        print(f"speed-up from 1 to 2 Dask workers: x{dask[1] / dask[2]:.2f}; "
              f"Dask at 1 worker vs the local pool at --jobs 1: x{dask[1] / local:.2f} the time")
        reference = runs["local --jobs 1"]
        same = all(records == reference for records in runs.values())
        print(f"records identical in all runs: {'yes' if same else 'NO'} ({len(reference)} students)")


if __name__ == "__main__":
    main()
