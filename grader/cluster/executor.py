"""Grade submissions on a Dask ``distributed`` cluster: the grader side of
``course grade --scheduler ADDRESS`` and ``--dask-local N``.

    with DaskGrading(scheduler="tls://scheduler:8786") as remote:   # or local_workers=2
        grade_batch(..., remote=remote)

``grade_batch`` hands ``grade`` the submissions still to grade and commits each record it
yields, in this process, exactly as it commits the local pool's: the gradebook has one writer,
so exactly-once and resume behave the same. Each submission travels as its bytes (the workers
need not see the grader's disk); the bundle and the secret travel once per worker
(``grader.cluster.bundle``); each worker grades with ``grader.grading.batch.grade_one`` in the same
sandbox as the local pool and answers with the record's JSON.

A Dask worker that dies while grading a submission (the machine, the worker process, or the
submission itself killing it) has that submission retried once on a live worker; a second
death makes it a ``grader_error`` record, which the next ``course grade`` grades again.
The scheduler does the retrying: ``grade`` sets its ``allowed_failures`` to 1 (and its worker
saturation to 1.0, so a worker holds only the task it runs and a death charges no bystander).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from grader.grading import faults
from grader.cluster import ClusterError
from grader.cluster.bundle import BundlePlugin, installed, pack
from grader.grading.discover import Submission
from grader.bundle import AssignmentBundle
from grader.grading.submission import failure_record
from grader.records import SubmissionRecord, grader_error_reason

ALLOWED_FAILURES = 1
"""Deaths of a worker grading a submission after which it is retried: once."""
IN_FLIGHT_PER_THREAD = 4
"""Submissions sent ahead per worker thread: enough to keep every worker busy, few enough that
100,000 submissions never sit in the grader's or the scheduler's memory at once."""
MIN_IN_FLIGHT = 16
CONNECT_SECONDS = 30


class WorkerDied(RuntimeError):
    """The Dask worker grading a submission died, on its retry too."""


_GRADING = threading.Lock()


def grade_on_worker(*, student: str, slug: str, file_name: str, data: bytes | None, read_error: str | None,
                    digest: str, environment: dict[str, str], isolation: str) -> str:
    """A Dask task: grade one submission from its bytes with the installed bundle; the record as
    JSON. A worker with several threads grades one submission at a time: the suite session of a
    process is not shared between submissions."""
    from grader.grading.batch import grade_one

    bundle, secret = installed(digest, environment)
    with _GRADING, tempfile.TemporaryDirectory(prefix="nnf-submission-") as folder:
        path = Path(folder) / file_name
        if data is not None:
            path.write_bytes(data)
        record_json = grade_one(Submission(student, slug, path), bundle, secret, isolation)
    if read_error is not None:  # the grader could not read it: say why, as the local pool would
        missing = f"{file_name}: cannot be read ({os.strerror(2)})"
        record_json = record_json.replace(_json_text(missing), _json_text(f"{file_name}: cannot be read ({read_error})"))
    return record_json


def _json_text(text: str) -> str:
    return json.dumps(text)[1:-1]


def _read(path: Path) -> tuple[bytes | None, str | None]:
    try:
        return Path(path).read_bytes(), None
    except OSError as error:
        return None, error.strerror or str(error)


def _limit_retries(dask_scheduler=None) -> None:
    """Runs on the scheduler: retry a task once after its worker died, and queue tasks on the
    scheduler rather than on workers, so a dying worker takes only its running task down."""
    dask_scheduler.allowed_failures = ALLOWED_FAILURES
    if math.isfinite(dask_scheduler.WORKER_SATURATION):
        dask_scheduler.WORKER_SATURATION = 1.0


class DaskGrading:
    """A connection to a Dask cluster (opened on first use) that grades batches of submissions."""

    def __init__(self, *, scheduler: str | None = None, local_workers: int | None = None):
        if (scheduler is None) == (local_workers is None):
            raise ValueError("give exactly one of scheduler and local_workers")
        self.scheduler = scheduler
        self.local_workers = local_workers
        self._client = None
        self._cluster = None

    @property
    def where(self) -> str:
        return f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"

    def _connect(self):
        if self._client is not None:
            return self._client
        from distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR)
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout=CONNECT_SECONDS)
            self._client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            self.close()
            raise ClusterError(f"cannot use {self.where}: {' '.join(str(error).split()) or type(error).__name__}") from None
        return self._client

    def worker_threads(self) -> int:
        return sum(self._connect().nthreads().values())

    def grade(self, batch: Iterable[tuple[Submission, str]], *, bundle: AssignmentBundle, secret: str,
              isolation: str) -> Iterator[tuple[Submission, SubmissionRecord]]:
        """Grade ``(submission, sha)`` pairs on the cluster; yield each one's record as it arrives."""
        from distributed import as_completed

        client = self._connect()
        packed = pack(bundle, secret)
        client.register_plugin(BundlePlugin(packed))
        client.run_on_scheduler(_limit_retries)
        window = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * self.worker_threads())
        run = uuid.uuid4().hex[:12]
        todo = iter(enumerate(batch))
        sent: dict = {}
        done = as_completed()

        def send(count: int) -> None:
            for index, (submission, sha) in itertools.islice(todo, count):
                data, read_error = _read(submission.path)
                future = client.submit(grade_on_worker, student=submission.student, slug=bundle.slug,
                                       file_name=Path(submission.path).name, data=data, read_error=read_error,
                                       digest=packed.digest, environment=packed.environment, isolation=isolation,
                                       key=f"nnf-grade-{run}-{index}", pure=False)
                sent[future] = (submission, sha)
                done.add(future)

        try:
            send(window)
            for future in done:
                submission, sha = sent.pop(future)
                record = self._received(future, submission, bundle, sha)
                future.release()
                send(1)
                yield submission, record
        finally:
            if sent:
                with contextlib.suppress(Exception):
                    client.cancel(list(sent), force=True)

    def _received(self, future, submission: Submission, bundle: AssignmentBundle, sha: str) -> SubmissionRecord:
        """The record a task produced, or the record of how it failed (the batch goes on)."""
        from distributed import KilledWorker
        from distributed.client import FutureCancelledError

        try:
            faults.inject("result", submission.student)
            return SubmissionRecord.from_json(future.result())
        except FutureCancelledError as error:
            raise ClusterError(f"lost {self.where} while grading ({' '.join(str(error).split())[:200]}); "
                               "every grade received is saved: run the same command again to finish") from None
        except KilledWorker as error:
            died = WorkerDied(f"the Dask worker grading it died, on its retry too (last on {error.last_worker.address})")
            return failure_record(submission, bundle, sha=sha, status="grader_error",
                                  reason=grader_error_reason("grading", died))
        except Exception as error:
            return failure_record(submission, bundle, sha=sha, status="grader_error",
                                  reason=grader_error_reason("grading", error))

    def close(self) -> None:
        for part in (self._client, self._cluster):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.close()
        self._client = self._cluster = None

    def __enter__(self) -> "DaskGrading":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
