"""Grade many submissions of one assignment: in a local process pool, each record committed to
the gradebook as soon as it is done, unchanged submissions skipped on a re-run, and every
output written from the gradebook at the end.

    grade_batch(assignment=..., paths=[...], out=Path("out"), jobs=2) -> BatchResult
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import multiprocessing
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Generator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from grader.errors import GradingInterrupted
from grader.grading import faults, pool_guard
from grader.grading.discover import Submission, discover
from grader.bundle import AssignmentBundle, submission_sha256
from grader.grading.submission import failure_record, grade_contained, suite_session_for
from grader.grading.gradebook import Gradebook, GradebookError
from grader.worker.isolation import resolve_isolation
from grader.export.outputs import OutputError, write_outputs
from grader.records import SubmissionRecord, grader_error_reason
from grader.grading.regrade import RegradeDiff, open_gradebook, record_regrade
from grader.worker import core_lending, leftovers


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

    @property
    def grader_errors(self) -> list[SubmissionRecord]:
        """Records the grader could not grade (not the students' fault): a re-run grades them again."""
        return [r for r in self.records if r.status == "grader_error"]

    @property
    def crashed(self) -> list[SubmissionRecord]:
        """Records of submissions that took down the process grading them (graded 0)."""
        return [r for r in self.records if r.status == "crashed"]


class RemoteGrader(Protocol):
    """Where submissions are graded instead of the local pool (``grader.cluster.DaskGrading``):
    given ``(submission, sha)`` pairs, yields ``(submission, record)`` as each is graded, each
    record made with ``grade_one`` (so the same as the pool's), or the ``grader_error`` record of
    how grading it failed. The generator is closed when the batch stops early."""

    def grade(self, batch: list[tuple[Submission, str]], *, bundle: AssignmentBundle, secret: str,
              isolation: str) -> Generator[tuple[Submission, SubmissionRecord], None, None]: ...


def grade_one(submission: Submission, bundle: AssignmentBundle, secret: str, isolation: str) -> str:
    """Runs in a pool process (or on a Dask worker); returns JSON so nothing richer than text
    crosses processes. Nothing escapes it: whatever fails becomes the submission's
    ``grader_error`` record."""
    from grader.worker.isolation import launcher_for

    faults.inject("pool", submission.student)
    try:
        launcher = launcher_for(isolation)
        record = grade_contained(submission, bundle, secret=secret, launcher=launcher, suite=suite_session_for(bundle))
    except BaseException as error:  # noqa: BLE001 (a hidden test's SystemExit too: this process grades on)
        record = failure_record(submission, bundle, sha=submission_sha256(submission.path),
                                status="grader_error", reason=grader_error_reason("grading", error))
    return dataclasses.replace(record, extra={**record.extra, "isolation": isolation}).to_json()


LENDING_FACTOR = 2
"""At most this many pool processes per job: the extra ones only grade on cores lent by
processes whose student sleeps (``grader.worker.core_lending``)."""
LENDING_CHECK_SECONDS = 0.25
"""How often the batch looks for lent cores while no submission finishes."""


def _start_pool_process(lent_cores) -> None:
    pool_guard.guard_pool_process()
    core_lending.install(lent_cores)


def _ping() -> bool:
    import grader.grading.submission  # noqa: F401  (the grading code must import in a pool process)

    return True


def _check_pool(pool: ProcessPoolExecutor) -> None:
    """A pool that cannot run a trivial job is the grader's problem, never a student's."""
    try:
        pool.submit(_ping).result()
    except BrokenProcessPool as error:
        raise RuntimeError("the grading processes cannot start (see the error above); "
                           "no submission was charged for it") from error
    pool_guard.register_resource_tracker()


def _received(submission: Submission, bundle: AssignmentBundle, sha: str, future) -> SubmissionRecord:
    """The record a pool job produced, or the record of how it failed."""
    try:
        faults.inject("result", submission.student)
        return SubmissionRecord.from_json(future.result())
    except BrokenProcessPool:
        raise
    except Exception as error:
        return failure_record(submission, bundle, sha=sha, status="grader_error",
                              reason=grader_error_reason("receiving the grade of", error))


def _killed_grader_record(submission: Submission, bundle: AssignmentBundle, sha: str) -> SubmissionRecord:
    """The record of a submission that took down the grading process itself."""
    return failure_record(submission, bundle, sha=sha, status="crashed",
                          reason="grading was aborted while running this submission (it killed the grading process)")


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its processes killed (their sandboxed workers die with them), queued jobs
    cancelled."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _interruptible():
    """SIGTERM behaves like Ctrl-C (KeyboardInterrupt) while the batch runs; which one came is
    kept for the exit status."""
    received = {"signum": signal.SIGINT}
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def on_signal(signum, _frame):
        received["signum"] = signum
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _output_lock(out: Path):
    """One ``course grade`` at a time per output folder: a second one fails at once, in one line."""
    lock_path = out / ".grading.lock"
    try:
        handle = open(lock_path, "a+")
    except OSError as error:
        raise OutputError(f"{out}: cannot write to the output folder ({error.strerror or error})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise GradebookError(f"{out}: another `course grade` (pid {holder}) is writing to this output folder; "
                                 "wait for it to finish or use another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


GRADEBOOK_BUSY_SECONDS = 30.0
"""How long a write to the gradebook waits for another process's transaction before failing."""


def _open_gradebook(path: Path, *, dry_run: bool):
    try:
        return open_gradebook(path, dry_run=dry_run, busy_seconds=GRADEBOOK_BUSY_SECONDS)
    except sqlite3.DatabaseError as error:
        raise GradebookError(f"{path}: cannot be used as a gradebook ({error}); it was left as it is") from None


def _put(book: Gradebook, record: SubmissionRecord) -> None:
    try:
        book.put(record)
    except sqlite3.DatabaseError as error:
        raise GradebookError(f"{book.path}: the grade of {record.student!r} could not be saved ({error}); "
                             "every grade saved before it is kept: run the same command again to finish") from None


def grade_batch(*, bundle: AssignmentBundle, paths: list[Path], out: Path, secret: str, title: str = "",
                jobs: int | None = None, force: bool = False, isolation: str = "auto", dry_run: bool = False,
                on_progress: Callable[[str, SubmissionRecord | None], None] | None = None,
                finisher=None, remote: RemoteGrader | None = None) -> BatchResult:
    """Grade every submission under ``paths``; write the gradebook and all outputs under ``out``.

    A student who had a record before gets a line in ``out/<slug>/regrade.md`` when regraded.
    dry_run: regrade everything, write only the regrade diff (gradebook and exports untouched).

    Results do not depend on ``jobs``: each record depends only on the submission, the student
    id, the secret and the bundle. No submission can stop the batch: what fails while grading
    one becomes its record (``grader_error`` or ``crashed``). What stops it is the grader's own
    resources (``GradebookError``, ``OutputError``) or a signal (``GradingInterrupted``), each
    after every finished record is saved. ``finisher`` (``grader.lifecycle.finish``) writes late
    work and the secret's provenance into each record, new or kept from the gradebook.
    ``remote`` grades the submissions elsewhere (a Dask cluster) instead of the local pool; the
    records still come back here, to this one writer of the gradebook.
    """
    isolation = resolve_isolation(isolation)
    submissions = discover([Path(p) for p in paths], bundle.slug)
    jobs = max(1, jobs or os.cpu_count() or 1)
    leftovers.sweep()  # processes, folders and cgroups of graders that were killed outright
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{out}: cannot create the output folder ({error.strerror or error})") from None
    result = BatchResult(records=[], out=out)
    with _output_lock(out), _open_gradebook(out / "gradebook.sqlite", dry_run=dry_run) as book, \
            _interruptible() as received:
        previous = book.records(bundle.slug)  # kept for the regrade diff, before any is replaced
        pending: dict[str, tuple[Submission, str]] = {}
        for submission in submissions:
            sha = submission_sha256(submission.path)
            known = None if (force or dry_run) else book.get(submission.student, bundle.slug, sha)
            if known is not None and finisher is not None and not finisher.reusable(known):
                known = None
            if known is not None and known.status != "grader_error":
                finished = finisher.apply(submission, known) if finisher else known
                if finished.to_json() != known.to_json():
                    _put(book, finished)  # a new deadline, extension or timestamp: no regrading needed
                result.skipped.append(submission.student)
                if on_progress:
                    on_progress(submission.student, None)
                continue
            pending[submission.student] = (submission, sha)

        def commit(submission: Submission, record: SubmissionRecord) -> None:
            if finisher is not None:
                record = finisher.apply(submission, record)
            _put(book, record)
            pending.pop(submission.student)
            result.graded.append(submission.student)
            if on_progress:
                on_progress(submission.student, record)

        if remote is not None and pending:
            graded = remote.grade(list(pending.values()), bundle=bundle, secret=secret, isolation=isolation)
            try:
                for submission, record in graded:
                    commit(submission, record)
            except KeyboardInterrupt:
                raise GradingInterrupted(received["signum"], len(result.graded), len(pending)) from None
            finally:
                graded.close()
            if pending:  # never graded here instead: the student code was meant to run elsewhere
                raise RuntimeError(f"the remote grader returned no record for {len(pending)} submission(s)")
        pool_guard.prepare()
        # After a submission takes down a pool process (e.g. it killed its parent), the rest are
        # graded one per pool, so the next break names its culprit exactly.
        serial = False
        context = multiprocessing.get_context("forkserver")
        # The fork server imports the grading code once; each pool then starts in
        # milliseconds instead of a third of a second (one pool per submission after a crash).
        # pool_guard first: it makes the fork server die with this process.
        context.set_forkserver_preload(["grader.grading.pool_guard", "grader.grading.batch"])
        while pending:
            batch = list(pending.values())[:1] if serial else list(pending.values())
            lent_cores = context.Value("i", 0)
            pool = ProcessPoolExecutor(max_workers=min(jobs * LENDING_FACTOR, len(batch)), mp_context=context,
                                       initializer=_start_pool_process, initargs=(lent_cores,))
            try:
                _check_pool(pool)
                waiting = iter(batch)
                futures: dict = {}

                def start_more() -> None:
                    # One submission per core, plus one per core lent by a process whose student sleeps.
                    while len(futures) < jobs + lent_cores.value and (item := next(waiting, None)):
                        futures[pool.submit(grade_one, item[0], bundle, secret, isolation)] = item

                start_more()
                broken = False
                while futures and not broken:
                    done, _ = wait(futures, timeout=LENDING_CHECK_SECONDS, return_when=FIRST_COMPLETED)
                    for future in done:
                        # Popped: a finished future holds its record's JSON, and the batch must not
                        # hold a thousand of them (the grader's memory stays flat as it grades).
                        submission, sha = futures.pop(future)
                        try:
                            record = _received(submission, bundle, sha, future)
                        except BrokenProcessPool:
                            if not serial:
                                serial = broken = True  # the rest: one per pool, from the top
                                break
                            record = _killed_grader_record(submission, bundle, sha)
                        commit(submission, record)
                    if not broken:
                        start_more()
            except KeyboardInterrupt:
                _kill_pool(pool)
                raise GradingInterrupted(received["signum"], len(result.graded), len(pending)) from None
            except BaseException:
                _kill_pool(pool)
                raise
            pool.shutdown(wait=True)
        result.records = book.records(bundle.slug)
        if not dry_run:
            result.records = write_outputs(result.records, out, title=title or bundle.title,
                                           on_failure=lambda record: _put(book, record))
    result.regrade = record_regrade(previous, result.records, result.graded, out / bundle.slug,
                                    assignment=bundle.slug, dry_run=dry_run)
    return result
