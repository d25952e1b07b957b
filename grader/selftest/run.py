"""The plain function behind ``course selftest``: build the course's assignments into a scratch
folder and grade every self-test case of each (``grader.selftest.cases``), in parallel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.selftest.cases import SelfTestOutcome


def _run_case_job(args) -> SelfTestOutcome:
    from grader.selftest.cases import run_case

    case, bundle, source, release = args
    return run_case(case, bundle=bundle, source_notebook=source, release_notebook=release)


def selftest(*, assignments: list[str] | tuple = (), config: str | Path = "course.toml",
             jobs: int | None = None, records: Path | None = None) -> list[SelfTestOutcome]:
    """Grade each assignment's reference, release, mutants, alternatives and fakes; judge each
    grade. records: also write each case's record to ``records/<slug>/<case>.json``."""
    from grader.build import build
    from grader.bundle import AssignmentBundle
    from grader.config import load_course
    from grader.selftest.cases import cases

    course = load_course(config)
    slugs = list(assignments) or [a.slug for a in course.assignments]
    outcomes: list[SelfTestOutcome] = []
    with tempfile.TemporaryDirectory(prefix="nnf-selftest-build-") as tmp:
        build(config=config, assignments=slugs, out=Path(tmp))
        jobs_list = []
        for slug in slugs:
            bundle = AssignmentBundle.load(Path(tmp) / "autograder" / slug)
            source = Path(tmp) / "source" / slug / f"{slug}.ipynb"
            release = Path(tmp) / "release" / slug / f"{slug}.ipynb"
            jobs_list += [(case, bundle, source, release) for case in cases(course.assignment(slug).folder)]
        if jobs == 1:
            outcomes = [_run_case_job(job) for job in jobs_list]
        else:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(pool.map(_run_case_job, jobs_list))
    if records is not None:
        for outcome in outcomes:
            path = Path(records) / outcome.record.assignment / f"{outcome.case.name.replace(':', '-')}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(outcome.record.to_json())
    return outcomes
