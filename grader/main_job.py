"""The README's main job, end to end, with no network: build the course, write sample
submissions (complete, untouched, partial and buggy students), grade them in sandboxed workers,
write every output and a course-wide report, and demonstrate the reference MLP on digits.

    python3 tasks.py main [--out DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader.batch import grade_batch
from grader.build.pipeline import build_course
from grader.config import ConfigError, load_course
from grader.grade import AssignmentBundle
from grader.samples import write_samples


def run_demo() -> float:
    """Train the reference MLP on digits; print and return its test accuracy."""
    from reference.nn import digits_demo

    start = time.perf_counter()
    accuracy = digits_demo()
    print(f"reference MLP on 8x8 digits: test accuracy {accuracy:.3f} in {time.perf_counter() - start:.1f} s")
    return accuracy


def run(*, config: Path = Path("course.toml"), out: Path = Path("out"), jobs: int | None = None) -> Path:
    """Build, make samples, grade, report; return the course report's path."""
    course = load_course(config)
    start = time.perf_counter()
    build_dir = out / "build"
    built = build_course(course, out=build_dir)
    print(f"built {len(built)} assignments into {build_dir} in {time.perf_counter() - start:.1f} s")
    lines = [f"# {course.title}: sample grading run", "",
             "| assignment | student | score | status |", "|---|---|---|---|"]
    for assignment in course.assignments:
        submitted = out / "samples" / "submitted"
        students = write_samples(built=build_dir, assignment_folder=assignment.folder, slug=assignment.slug,
                                 out=submitted)
        bundle = AssignmentBundle.load(build_dir / "autograder" / assignment.slug)
        t0 = time.perf_counter()
        result = grade_batch(bundle=bundle, paths=[submitted], out=out / "grades", secret=course.secret,
                             title=f"{course.title}: {assignment.title}", jobs=jobs, force=True)
        print(f"graded {assignment.slug}: {len(students)} submissions in {time.perf_counter() - t0:.1f} s")
        for record in result.records:
            lines.append(f"| {record.assignment} | {record.student} | {record.score:g} / {record.max_score:g} "
                         f"| {record.status} |")
            print(f"    {record.student:<36} {record.score:6.2f} / {record.max_score:g}")
    lines += ["", "Per assignment: `grades/<slug>/report/report.md` (grade histogram, tests passed per function), "
                  "`grades/<slug>/<student>/feedback.html`, `grades/<slug>/gradebook.csv`."]
    report = out / "report.md"
    report.write_text("\n".join(lines) + "\n")
    print(f"course report: {report}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tasks.py main", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: cores)")
    args = parser.parse_args(argv)
    try:
        run(out=args.out, jobs=args.jobs)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    run_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
