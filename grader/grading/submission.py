"""Grade one submission: extract its code, load it in a sandboxed worker, run the hidden suite
against it in this (trusted) process, and return its ``SubmissionRecord``.

    bundle = AssignmentBundle.load(build_dir / "autograder" / slug)
    record = grade_submission(Submission(student, slug, path), bundle, secret=secret)
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
from pathlib import Path

from grader.grading.discover import Submission
from grader.grading.extract import ExtractedSubmission, SubmissionError, extract_submission
from grader.grading import faults
from grader.bundle import AssignmentBundle, file_sha256, submission_sha256
from grader.records import SubmissionRecord, grader_error_reason
from grader.suite.plugin import SuiteContext
from grader.suite.session import SuiteSession
from grader.worker.client import StudentError, Worker
from grader.worker.preload import preload_for


def _setup_problems(worker: Worker) -> list[str]:
    problems = []
    for chunk in worker.report.chunks:
        if chunk.status != "ok":
            problems.append(f"cell {chunk.cell_index + 1}: {chunk.status}: {chunk.error}".rstrip(": "))
    return problems


def _empty_submission(path: Path) -> ExtractedSubmission:
    return ExtractedSubmission(path=path, format="unreadable")


def _redact(results: list, problems: list[str], secret: str) -> tuple[list, list[str]]:
    """Feedback never carries the course secret, however the student's code came by it.
    (A secret under 8 characters is not a secret worth the name, and would garble the text.)"""
    if len(secret) < 8:
        return results, problems

    def clean(text: str) -> str:
        return _redact_text(text, secret)

    # Only a result that holds the secret is made anew (clean_text is idempotent: the same record).
    return ([dataclasses.replace(r, output=clean(r.output), name=clean(r.name))
             if secret in r.output or secret in r.name else r for r in results],
            [clean(p) for p in problems])


def _redact_text(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if len(secret) >= 8 else text


def _suite_context(bundle: AssignmentBundle, *, seed_material: str, worker: Worker | None,
                   observe=None) -> SuiteContext:
    def no_worker(name, args, kwargs):
        raise RuntimeError("this context only collects the suite; it grades no submission")

    return SuiteContext(
        assignment=bundle.slug, task_points=bundle.task_points, reference=bundle.reference,
        seed_material=seed_material,
        call=(lambda name, args, kwargs: worker.invoke(name, args, kwargs)) if worker else no_worker,
        tolerances=bundle.tolerances, last_mutated=(lambda: worker.last_mutated) if worker else None,
        last_warnings=(lambda: worker.last_warnings) if worker else None, observe=observe)


def open_suite_session(bundle: AssignmentBundle, *, direct: bool = True) -> SuiteSession:
    """The bundle's hidden suite collected once, for ``grade_submission(..., suite=...)`` to
    run submission after submission in this process (direct: see ``SuiteSession``)."""
    return SuiteSession(bundle.suite_dir, _suite_context(bundle, seed_material="", worker=None), direct=direct)


_SESSIONS: dict[str, tuple[tuple, SuiteSession]] = {}


@atexit.register
def _close_sessions() -> None:
    """Let each session's pytest finish, so it removes its scratch folder itself."""
    for _, session in _SESSIONS.values():
        session.close()


def _bundle_fingerprint(bundle: AssignmentBundle) -> tuple:
    files = [bundle.suite_dir.parent / "manifest.json", *sorted(bundle.suite_dir.rglob("*.py"))]
    stats = [(str(f), f.stat()) for f in files if f.is_file()]
    return tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)


def suite_session_for(bundle: AssignmentBundle) -> SuiteSession:
    """This process's session of the bundle's hidden suite: opened on first use, opened anew
    when the bundle on disk has changed since (a rebuild into the same folder) or when the last
    one broke."""
    key = str(bundle.suite_dir.resolve())
    fingerprint = _bundle_fingerprint(bundle)
    known = _SESSIONS.get(key)
    if known is None or known[0] != fingerprint or not known[1].usable:
        if known is not None:
            known[1].close()
        _SESSIONS[key] = (fingerprint, open_suite_session(bundle))
    return _SESSIONS[key][1]


def failure_record(submission: Submission, bundle: AssignmentBundle, *, sha: str, status: str,
                   reason: str) -> SubmissionRecord:
    """``SubmissionRecord.failed`` for one of this bundle's submissions."""
    return SubmissionRecord.failed(student=submission.student, assignment=bundle.slug, submission_sha256=sha,
                                   submission_file=Path(submission.path).name, task_points=bundle.task_points,
                                   status=status, reason=reason)


def grade_contained(submission: Submission, bundle: AssignmentBundle, *, secret: str, **options) -> SubmissionRecord:
    """``grade_submission``, except that nothing escapes: whatever goes wrong becomes this
    submission's ``grader_error`` record, so one submission can never stop a batch."""
    try:
        return grade_submission(submission, bundle, secret=secret, **options)
    except Exception as error:
        stage = getattr(error, "grading_stage", "grading")
        return failure_record(submission, bundle, sha=submission_sha256(Path(submission.path)),
                              status="grader_error", reason=_redact_text(grader_error_reason(stage, error), secret))


@contextlib.contextmanager
def _at_stage(stage: str):
    """Tags an exception with the stage of grading it escaped from (for the one-line reason)."""
    try:
        yield
    except Exception as error:
        if not hasattr(error, "grading_stage"):
            with contextlib.suppress(AttributeError):  # an exception type with __slots__
                error.grading_stage = stage
        raise


def grade_submission(submission: Submission, bundle: AssignmentBundle, *, secret: str,
                     launcher=None, temp_root: Path | None = None,
                     suite: SuiteSession | None = None, observe=None) -> SubmissionRecord:
    """Grade one file. Never raises for anything the student did; an unreadable file is graded
    as an empty submission (every test "missing") with the reason in ``problems``. What fails
    for other reasons raises (``grade_contained`` turns it into a ``grader_error`` record).

    suite: a session of the bundle's suite (default: this process's ``suite_session_for(bundle)``).
    observe: told of every call the suite makes (``SuiteContext.observe``)."""
    path = Path(submission.path)
    problems: list[str] = []
    status = "graded"
    faults.inject("read", submission.student)
    try:
        sha = file_sha256(path)
    except OSError as error:
        sha, status = hashlib.sha256(b"").hexdigest(), "unreadable"
        problems.append(f"{path.name}: cannot be read ({error.strerror or error})")
    with _at_stage("reading"):
        faults.inject("extract", submission.student)
        try:
            extracted = extract_submission(path, expected_functions=list(bundle.task_points)) \
                if status == "graded" else _empty_submission(path)
        except SubmissionError as error:
            extracted, status = _empty_submission(path), "unreadable"
            problems.append(str(error))
    problems.extend(extracted.problems)
    seed_material = f"{secret}\0{submission.student}\0{bundle.slug}"
    worker = Worker(extracted.chunks, limits=bundle.limits, launcher=launcher, temp_root=temp_root,
                    preload=preload_for(bundle.reference))
    try:
        with _at_stage("starting a worker for"):
            faults.inject("worker", submission.student)
            try:
                worker.start()
            except StudentError as error:  # the submission's own code broke the worker at load time
                problems.append(f"your code could not be loaded: {error}")
        problems.extend(_setup_problems(worker))
        with _at_stage("running the hidden tests on"):
            faults.inject("suite", submission.student)
            context = _suite_context(bundle, seed_material=seed_material, worker=worker, observe=observe)
            results, suite_problems = (suite or suite_session_for(bundle)).run(context)
    finally:
        worker.close()
    with _at_stage("recording the grade of"):
        faults.inject("record", submission.student)
        extra = {}
        if suite_problems:
            extra["suite_problems"] = suite_problems
        results, problems = _redact(results, problems, secret)
        return SubmissionRecord(
            student=submission.student, assignment=bundle.slug, submission_sha256=sha,
            submission_file=path.name, status=status,
            score=round(sum(r.score for r in results), 6), max_score=bundle.max_score,
            tests=tuple(results), problems=tuple(dict.fromkeys(problems)), extra=extra)
