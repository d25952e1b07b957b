"""The plain functions behind ``course grade`` and ``course selftest`` (keyword-only options)."""

from __future__ import annotations

import contextlib
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from grader.batch import BatchResult, grade_batch
from grader.build import build
from grader.config import load_course
from grader.discover import discover
from grader.export.junit import junit_xml
from grader.export.nbgrader_gradebook import check_nbgrader_gradebook, write_nbgrader_gradebook
from grader.grade import AssignmentBundle
from grader.isolation import ISOLATION_LEVELS
from grader.lifecycle.finish import record_finisher
from grader.lifecycle.safety import DEVELOPMENT_SECRET_WARNING, refuse_output_inside_sources
from grader.outputs import OutputError
from grader.selftest import SelfTestOutcome, cases, run_case


def bundle_for(*, assignment: str, config: str | Path = "course.toml", build_dir: Path | None = None) -> tuple:
    """(course, freshly built bundle of ``assignment``): grading always uses the current reference."""
    course = load_course(config)
    course.assignment(assignment)  # a clear error for an unknown slug, before building anything
    out = Path(build_dir) if build_dir else course.build_dir
    build(config=config, assignments=[assignment], out=out)
    return course, AssignmentBundle.load(out / "autograder" / assignment), out


class BadArguments(ValueError):
    """An option of the command is out of range (one line, exit 2)."""


def grade(*, assignment: str, paths: list[Path], out: Path = Path("grades"), jobs: int | None = None,
          force: bool = False, isolation: str = "auto", config: str | Path = "course.toml",
          build_dir: Path | None = None, dry_run: bool = False, junit: Path | None = None,
          nbgrader_db: Path | None = None, on_progress=None, roster: Path | None = None,
          submitted_at: datetime | None = None, on_warning=None, scheduler: str | None = None,
          dask_local: int | None = None) -> BatchResult:
    """Build ``assignment``'s autograder bundle, then grade every submission under ``paths``.

    dry_run: regrade all, write only the regrade diff. junit: also write the records as JUnit XML
    there. nbgrader_db: also write them into that nbgrader gradebook.db. roster: per-student
    extensions (``grader.lifecycle.roster``); submitted_at: one submission time for all (default:
    each submission's timestamp.txt); on_warning(text): told, once the input is checked, when the
    secret in use is the development one. scheduler: grade on the Dask cluster of that scheduler
    address; dask_local: on a local Dask cluster of that many worker processes (docs/dask.md).
    Every argument is checked before anything is written: bad input leaves no trace."""
    if isolation not in ISOLATION_LEVELS:
        raise BadArguments(f"--isolation {isolation!r}: choose one of {', '.join(ISOLATION_LEVELS)}")
    if jobs is not None and jobs < 1:
        raise BadArguments(f"--jobs {jobs}: must be at least 1")
    _check_dask_options(scheduler=scheduler, dask_local=dask_local, jobs=jobs)
    course = load_course(config)
    course.assignment(assignment)  # an unknown slug or a bad course.toml, before any work
    refuse_output_inside_sources(Path(out), course)
    finisher = record_finisher(course, assignment, roster=roster, submitted_at=submitted_at)
    discover([Path(p) for p in paths], assignment)  # no submissions there: say so before building
    if finisher.development_secret and on_warning:
        on_warning(DEVELOPMENT_SECRET_WARNING)
    course, bundle, _ = bundle_for(assignment=assignment, config=config, build_dir=build_dir)
    if nbgrader_db is not None:
        check_nbgrader_gradebook(nbgrader_db, slug=bundle.slug, task_points=bundle.task_points)
    title = f"{course.title}: {bundle.title}"
    with _dask_grading(scheduler=scheduler, dask_local=dask_local) as remote:
        result = grade_batch(bundle=bundle, paths=paths, out=Path(out), secret=course.secret, title=title,
                             jobs=jobs, force=force, isolation=isolation, dry_run=dry_run, on_progress=on_progress,
                             finisher=finisher, remote=remote)
    if dry_run:
        return result
    if junit is not None:
        try:
            Path(junit).parent.mkdir(parents=True, exist_ok=True)
            Path(junit).write_bytes(junit_xml(result.records, title=title))
        except OSError as error:
            raise OutputError(f"{junit}: JUnit XML cannot be written ({error.strerror or error}); every grade "
                              "is saved in the gradebook") from None
    if nbgrader_db is not None:
        write_nbgrader_gradebook(result.records, nbgrader_db, slug=bundle.slug, task_points=bundle.task_points,
                                 due=course.assignment(bundle.slug).due.isoformat(),
                                 timestamps=nbgrader_timestamps(paths, bundle.slug))
    return result


def _check_dask_options(*, scheduler: str | None, dask_local: int | None, jobs: int | None) -> None:
    if scheduler is not None and dask_local is not None:
        raise BadArguments("--scheduler and --dask-local: give one of them")
    if dask_local is not None and dask_local < 1:
        raise BadArguments(f"--dask-local {dask_local}: must be at least 1")
    if scheduler is not None and not scheduler.strip():
        raise BadArguments("--scheduler: give the scheduler's address, e.g. tls://grading-scheduler:8786")
    if jobs is not None and (scheduler is not None or dask_local is not None):
        raise BadArguments("--jobs sizes the local pool; on Dask, the workers' threads decide (see docs/dask.md)")


def _dask_grading(*, scheduler: str | None, dask_local: int | None):
    """The Dask cluster to grade on (imported only then: Dask takes a second to import), or none."""
    if scheduler is None and dask_local is None:
        return contextlib.nullcontext()
    from grader.cluster.executor import DaskGrading

    return DaskGrading(scheduler=scheduler, local_workers=dask_local)


def nbgrader_timestamps(paths: list[Path], slug: str) -> dict[str, str]:
    """Student -> the ``timestamp.txt`` nbgrader's collect put next to their submission."""
    stamps = {}
    for submission in discover([Path(p) for p in paths], slug):
        stamp = submission.path.parent / "timestamp.txt"
        if stamp.is_file():
            stamps[submission.student] = stamp.read_text(encoding="utf-8").strip()
    return stamps


def _run_case_job(args) -> SelfTestOutcome:
    case, bundle, source, release = args
    return run_case(case, bundle=bundle, source_notebook=source, release_notebook=release)


def selftest(*, assignments: list[str] | tuple = (), config: str | Path = "course.toml",
             jobs: int | None = None) -> list[SelfTestOutcome]:
    """Grade each assignment's reference, release, mutants and alternatives; judge each grade."""
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
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(pool.map(_run_case_job, jobs_list))
    return outcomes
