"""The README's main job, end to end, with no network: build the course, write sample
submissions (complete, untouched, partial and buggy students), grade them in sandboxed workers,
write every output and a course-wide report (scores, what the class got wrong, and a dry-run
regrade with a loosened tolerance), and demonstrate the reference MLP on digits.

    python3 tasks.py main [--out DIR] [--jobs N]      (which runs ``course main``)
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from grader.grading.batch import grade_batch
from grader.build.pipeline import build_course
from grader.config import load_course
from grader.tolerance import Tolerance
from grader.export.escape import markdown_text
from grader.export.misconceptions import course_misconceptions_markdown, misconceptions
from grader.bundle import AssignmentBundle
from grader.grading.regrade import RegradeDiff
from grader.samples import write_samples

DEMO_TOLERANCE = Tolerance(rtol=1e-3, atol=1e-3)
"""The looser "values" tolerance of the regrade demo: what if an instructor relaxed it?"""


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
    tables = []
    for assignment in course.assignments:
        submitted = out / "samples" / "submitted"
        students = write_samples(built=build_dir, assignment_folder=assignment.folder, slug=assignment.slug,
                                 out=submitted)
        bundle = AssignmentBundle.load(build_dir / "autograder" / assignment.slug)
        t0 = time.perf_counter()
        result = grade_batch(bundle=bundle, paths=[submitted], out=out / "grades", secret=course.secret,
                             title=f"{course.title}: {assignment.title}", jobs=jobs, force=True)
        print(f"graded {assignment.slug}: {len(students)} submissions in {time.perf_counter() - t0:.1f} s")
        tables.append(misconceptions(result.records))
        for record in result.records:
            lines.append(f"| {record.assignment} | {record.student} | {record.score:g} / {record.max_score:g} "
                         f"| {record.status} |")
            print(f"    {record.student:<36} {record.score:6.2f} / {record.max_score:g}")
    lines += ["", "Per assignment: `grades/<slug>/report/report.md` (grade histogram, tests passed per function), "
                  "`grades/<slug>/report/misconceptions.md` (what the class got wrong), "
                  "`grades/<slug>/<student>/feedback.html`, `grades/<slug>/gradebook.csv`.", ""]
    lines.append(course_misconceptions_markdown(tables, link=lambda slug: f"grades/{slug}/report/misconceptions.md"))
    first = course.assignments[0]
    diff = demo_regrade(bundle=AssignmentBundle.load(build_dir / "autograder" / first.slug),
                        submitted=out / "samples" / "submitted", out=out / "grades", secret=course.secret, jobs=jobs)
    print(f"regrade demo ({first.slug}, values tolerance loosened, dry run): {diff.summary}")
    lines += [f"## What a changed tolerance would do: {first.slug}, dry run", "",
              f"With the \"values\" tolerance loosened to rtol = {DEMO_TOLERANCE.rtol:g}, atol = "
              f"{DEMO_TOLERANCE.atol:g}: **{diff.summary}**. The gradebook and exports are unchanged; the diff is "
              f"`grades/{first.slug}/regrade.md` (and `.csv`).", ""]
    lines += [f"- {markdown_text(c.student)}: {c.old_score:.4g} → {c.new_score:.4g} "
              f"({markdown_text(', '.join(sorted({t.task for t in c.tests})))})" for c in diff.changes]
    report = out / "report.md"
    report.write_text("\n".join(lines) + "\n")
    print(f"course report: {report}")
    return report


def demo_regrade(*, bundle: AssignmentBundle, submitted: Path, out: Path, secret: str,
                 jobs: int | None) -> RegradeDiff:
    """What loosening the bundle's "values" tolerance to ``DEMO_TOLERANCE`` would do to the
    grades in ``out``'s gradebook: a dry run (``course grade ... --dry-run`` after editing
    ``[grading.tolerances]``), which writes only ``out/<slug>/regrade.md`` and ``.csv``."""
    looser = dataclasses.replace(bundle, tolerances={**bundle.tolerances, "values": DEMO_TOLERANCE})
    result = grade_batch(bundle=looser, paths=[submitted], out=out, secret=secret, jobs=jobs, dry_run=True)
    assert result.regrade is not None  # a dry run always compares
    return result.regrade
