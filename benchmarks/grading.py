"""Grading throughput: N copies of an assignment's reference solution graded at --jobs 1 and
--jobs 2 (fresh gradebook each time), printing submissions per minute and seconds per
submission per core.

    .venv/bin/python benchmarks/grading.py [--assignment 02_backprop] [--copies 8] [--isolation auto]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from grader.batch import grade_batch
from grader.build.pipeline import build_course
from grader.config import load_course
from grader.grade import AssignmentBundle

ROOT = Path(__file__).resolve().parents[1]


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
        for jobs in (1, 2):
            out = tmp / f"out{jobs}"
            start = time.perf_counter()
            result = grade_batch(bundle=bundle, paths=[subs], out=out, secret="bench", jobs=jobs,
                                 isolation=args.isolation)
            seconds = time.perf_counter() - start
            scores = {r.score for r in result.records}
            per_minute = 60 * args.copies / seconds
            baseline = baseline or per_minute
            print(f"--jobs {jobs}: {seconds:6.1f} s, {per_minute:6.1f} submissions/min, "
                  f"{seconds * jobs / args.copies:5.2f} s per submission per core, "
                  f"speed-up x{per_minute / baseline:.2f}, scores {sorted(scores)}")


if __name__ == "__main__":
    main()
