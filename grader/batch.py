"""Grade many submissions of one assignment: in a local process pool, each record committed to
the gradebook as soon as it is done, unchanged submissions skipped on a re-run, and every
output written from the gradebook at the end.

    grade_batch(assignment=..., paths=[...], out=Path("out"), jobs=2) -> BatchResult
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from grader.discover import Submission, discover
from grader.grade import AssignmentBundle, _sha256, grade_submission, suite_session_for
from grader.isolation import resolve_isolation
from grader.outputs import write_outputs
from grader.records import SubmissionRecord, TestResult
from grader.regrade import RegradeDiff, open_gradebook, record_regrade
from grader.worker import leftovers


@dataclass
class BatchResult:
    """What one ``course grade`` run did."""

    records: list[SubmissionRecord]
    """The latest record of every student of the assignment, sorted by student."""
    graded: list[str] = field(default_factory=list)
    """Students graded in this run."""
    skipped: list[str] = field(default_factory=list)
    """Students whose unchanged submission was already in the gradebook."""
    out: Path | None = None
    """The output folder."""
    regrade: RegradeDiff | None = None
    """What this run changed for students graded before (None: nobody was regraded)."""


def _grade_one(submission: Submission, bundle: AssignmentBundle, secret: str, isolation: str) -> str:
    """Runs in a pool process; returns JSON so nothing richer than text crosses processes."""
    from grader.isolation import launcher_for

    record = grade_submission(submission, bundle, secret=secret, launcher=launcher_for(isolation),
                              suite=suite_session_for(bundle))
    return dataclasses.replace(record, extra={**record.extra, "isolation": isolation}).to_json()


def _ping() -> bool:
    import grader.grade  # noqa: F401  (the grading code must import in a pool process)

    return True


def _check_pool(pool: ProcessPoolExecutor) -> None:
    """A pool that cannot run a trivial job is the grader's problem, never a student's."""
    try:
        pool.submit(_ping).result()
    except BrokenProcessPool as error:
        raise RuntimeError("the grading processes cannot start (see the error above); "
                           "no submission was charged for it") from error


def _killed_grader_record(submission: Submission, bundle: AssignmentBundle, sha: str) -> SubmissionRecord:
    """The record of a submission that took down the grading process itself."""
    reason = "grading was aborted while running this submission (it killed the grading process)"
    tests = tuple(TestResult(name=f"{task}: not graded", task=task, score=0.0, max_score=points,
                             status="crashed", output=reason) for task, points in bundle.task_points.items())
    return SubmissionRecord(student=submission.student, assignment=bundle.slug, submission_sha256=sha,
                            submission_file=submission.path.name, status="graded", score=0.0,
                            max_score=bundle.max_score, tests=tests, problems=(reason,))


def grade_batch(*, bundle: AssignmentBundle, paths: list[Path], out: Path, secret: str, title: str = "",
                jobs: int | None = None, force: bool = False, isolation: str = "auto", dry_run: bool = False,
                on_progress: Callable[[str, SubmissionRecord | None], None] | None = None) -> BatchResult:
    """Grade every submission under ``paths``; write the gradebook and all outputs under ``out``.

    A student who had a record before gets a line in ``out/<slug>/regrade.md`` when regraded.
    dry_run: regrade everything, write only the regrade diff (gradebook and exports untouched).

    Results do not depend on ``jobs``: each record depends only on the submission, the student
    id, the secret and the bundle.
    """
    isolation = resolve_isolation(isolation)
    leftovers.sweep()  # folders and cgroups of graders that were killed outright
    submissions = discover([Path(p) for p in paths], bundle.slug)
    jobs = max(1, jobs or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    result = BatchResult(records=[], out=out)
    with open_gradebook(out / "gradebook.sqlite", dry_run=dry_run) as book:
        previous = book.records(bundle.slug)  # kept for the regrade diff, before any is replaced
        pending: dict[str, tuple[Submission, str]] = {}
        for submission in submissions:
            sha = _sha256(submission.path)
            if not (force or dry_run) and book.get(submission.student, bundle.slug, sha) is not None:
                result.skipped.append(submission.student)
                if on_progress:
                    on_progress(submission.student, None)
                continue
            pending[submission.student] = (submission, sha)
        # After a submission takes down a pool process (e.g. it killed its parent), the rest are
        # graded one per pool, so the next break names its culprit exactly.
        serial = False
        context = multiprocessing.get_context("forkserver")
        # The fork server imports the grading code once; each pool then starts in
        # milliseconds instead of a third of a second (one pool per submission after a crash).
        context.set_forkserver_preload(["grader.batch"])
        while pending:
            batch = list(pending.values())[:1] if serial else list(pending.values())
            with ProcessPoolExecutor(max_workers=min(jobs, len(batch)), mp_context=context) as pool:
                _check_pool(pool)
                futures = {pool.submit(_grade_one, sub, bundle, secret, isolation): (sub, sha) for sub, sha in batch}
                for future in as_completed(futures):
                    submission, sha = futures[future]
                    try:
                        record = SubmissionRecord.from_json(future.result())
                    except BrokenProcessPool:
                        if not serial:
                            serial = True
                            break
                        record = _killed_grader_record(submission, bundle, sha)
                    book.put(record)
                    pending.pop(submission.student)
                    result.graded.append(submission.student)
                    if on_progress:
                        on_progress(submission.student, record)
        result.records = book.records(bundle.slug)
    if not dry_run:
        write_outputs(result.records, out, title=title or bundle.title)
    result.regrade = record_regrade(previous, result.records, result.graded, out / bundle.slug,
                                    assignment=bundle.slug, dry_run=dry_run)
    return result
