"""One pytest session of a hidden suite, kept open to grade submission after submission.

A pytest session costs a configuration, plugin registration and the collection of every test
module before the first test runs: about a tenth of the time a large suite takes per
submission. A ``SuiteSession`` pays that once. Its pytest runs in a thread of its own whose
``pytest_runtestloop`` takes one submission at a time and runs every collected test against
it, so each submission still gets a complete run of the suite — every fixture set up and torn
down, every module's setup run again — exactly as ``run_suite`` would give it.

    session = SuiteSession(suite_dir, context)   # any context of the suite: collection needs its tasks
    results, problems = session.run(context)     # again and again, one context per submission
    session.close()

``grader.grading.submission.suite_session_for(bundle)`` keeps one per bundle in a process.

Whatever the session cannot do (the suite does not collect, pytest stops), ``run`` does with a
fresh ``run_suite``, so a caller never sees a difference but speed.
"""

from __future__ import annotations

import contextlib
import io
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _pytest.runner import runtestprotocol  # pytest-rerunfailures re-runs items with it

from grader.records import TestResult
from grader.suite.plugin import SuiteContext, SuitePlugin
from grader.suite.run import forget_suite_modules, run_suite, suite_invocation


@dataclass
class _Job:
    context: SuiteContext
    done: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=1))


_STOP = object()


class _SessionPlugin(SuitePlugin):
    """The suite plugin, with a test loop that serves one submission per job."""

    def __init__(self, context: SuiteContext, jobs: queue.Queue):
        super().__init__(context)
        self.jobs = jobs
        self.collected = threading.Event()
        self.usable = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        collection_problems = list(self.problems)
        self.usable = bool(self.order) and not session.testsfailed
        self.collected.set()
        if not self.usable:
            return True  # run() falls back to run_suite, which reports what went wrong
        items = session.items
        while (job := self.jobs.get()) is not _STOP:
            self.context, self.results, self.problems = job.context, {}, list(collection_problems)
            try:
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    # Straight to the setup/call/teardown protocol: no log hooks or terminal
                    # progress, which nobody reads here (results come from makereport).
                    runtestprotocol(item, log=False, nextitem=following)
                job.done.put((self.ordered_results(), list(self.problems)))
            except BaseException as error:  # noqa: BLE001 - the session is spent; run() falls back
                self.usable = False
                job.done.put(error)
                return True
        return True


class SuiteSession:
    """A hidden suite collected once, run for any number of submissions (not concurrently)."""

    def __init__(self, suite_dir: Path, context: SuiteContext):
        """context: any submission's context for this suite; collection reads its task points."""
        self.suite_dir = Path(suite_dir)
        self._jobs: queue.Queue = queue.Queue()
        self._plugin = _SessionPlugin(context, self._jobs)
        self._log = io.StringIO()
        self._thread = threading.Thread(target=self._serve, name="nnf-suite-session", daemon=True)
        # pytest's terminal writer binds to sys.stdout while the session configures itself.
        with contextlib.redirect_stdout(self._log), contextlib.redirect_stderr(self._log):
            self._thread.start()
            self._plugin.collected.wait()
            if not self._plugin.usable:
                self._thread.join()  # two pytest sessions at once in one process interfere

    @property
    def usable(self) -> bool:
        return self._plugin.usable and self._thread.is_alive()

    def _serve(self) -> None:
        try:
            forget_suite_modules(self.suite_dir)
            with suite_invocation(self.suite_dir) as args:
                pytest.main(args, plugins=[self._plugin])
        finally:
            self._plugin.collected.set()
            self._plugin.usable = False

    def run(self, context: SuiteContext) -> tuple[list[TestResult], list[str]]:
        """The same (results, problems) as ``run_suite(suite_dir, context)``."""
        if not self.usable:
            return run_suite(self.suite_dir, context)
        job = _Job(context)
        self._jobs.put(job)
        # Whatever a hidden test prints must not reach the grader's own output.
        with contextlib.redirect_stdout(self._log), contextlib.redirect_stderr(self._log):
            while True:
                try:
                    outcome = job.done.get(timeout=1.0)
                    break
                except queue.Empty:
                    if not self._thread.is_alive():
                        outcome = RuntimeError("the suite session ended")
                        break
        self._log.seek(0)
        self._log.truncate()
        if isinstance(outcome, BaseException):
            return run_suite(self.suite_dir, context)
        return outcome

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout=10)
