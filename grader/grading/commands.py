"""The plain function behind ``course grade`` (keyword-only options, defaults written once).

Its heavy imports (NumPy, pytest, the build) load when it runs, not when the command line is
read: ``course --help`` stays instant.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import BadArguments
from grader.worker.isolation import ISOLATION_LEVELS

if TYPE_CHECKING:
    from grader.bundle import AssignmentBundle
    from grader.config import CourseConfig
    from grader.grading.batch import BatchResult


def fresh_bundle(*, assignment: str, config: str | Path = "course.toml",
                 build_dir: Path | None = None) -> tuple[CourseConfig, AssignmentBundle]:
    """The course and ``assignment``'s bundle, built afresh into ``build_dir`` (default: the
    course's build_dir): grading always uses the current reference and hidden suite."""
    from grader.build import build
    from grader.bundle import AssignmentBundle
    from grader.config import load_course

    course = load_course(config)
    course.assignment(assignment)  # a clear error for an unknown slug, before building anything
    out = Path(build_dir) if build_dir else course.build_dir
    build(config=config, assignments=[assignment], out=out)
    return course, AssignmentBundle.load(out / "autograder" / assignment)


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
    from grader.config import load_course
    from grader.export.junit import junit_xml
    from grader.export.nbgrader_gradebook import check_nbgrader_gradebook, write_nbgrader_gradebook
    from grader.export.outputs import OutputError
    from grader.grading.batch import grade_batch
    from grader.grading.discover import discover
    from grader.lifecycle.finish import record_finisher
    from grader.lifecycle.safety import DEVELOPMENT_SECRET_WARNING, refuse_output_inside_sources

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
    course, bundle = fresh_bundle(assignment=assignment, config=config, build_dir=build_dir)
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
    from grader.grading.discover import discover

    stamps = {}
    for submission in discover([Path(p) for p in paths], slug):
        stamp = submission.path.parent / "timestamp.txt"
        if stamp.is_file():
            stamps[submission.student] = stamp.read_text(encoding="utf-8").strip()
    return stamps
