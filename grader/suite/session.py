"""One pytest session of a hidden suite, kept open to grade submission after submission.

A pytest session costs a configuration, plugin registration and the collection of every test
module before the first test runs: about a tenth of the time a large suite takes per
submission. A ``SuiteSession`` pays that once. Its pytest runs in a thread of its own whose
``pytest_runtestloop`` takes one submission at a time and runs every collected test against
it, so each submission still gets a complete run of the suite — every fixture set up and torn
down, every module's setup run again — exactly as ``run_suite`` would give it. When every test
qualifies (``grader.suite.direct``: nothing but the plugin's fixtures and its own parameters),
each is run by calling its function, without pytest's per-test protocol: the same results, at
a fifth of the cost.

    session = SuiteSession(suite_dir, context)   # any context of the suite: collection needs its tasks
    results, problems = session.run(context)     # again and again, one context per submission
    session.close()

``grader.grading.submission.suite_session_for(bundle)`` keeps one per bundle in a process.

There is one path. A suite that does not collect gives every submission the same problems (what
pytest said) and no results, as a fresh run would; a session that breaks while grading (pytest
itself fails) raises ``SuiteSessionBroken`` for that submission, which the grader records as a
grader error (graded again on the next run), and the next submission gets a new session.

pytest's private API used here, ``_pytest.runner.runtestprotocol``, runs one item's
setup/call/teardown without the per-test log hooks: the public hook costs the grader process 5%
more CPU per submission (263 against 251 ms on 01_activations, ``benchmarks/suite_session.py``).
``grader.suite.direct`` reads an item's ``_fixtureinfo`` and pytest's
``get_direct_param_fixture_func`` and ``async_fail`` to decide and do what that protocol would.
pyproject.toml pins pytest to the release series it is tested with, and
``tests/grading/test_pytest_private_api.py`` fails naming the API when a pytest release changes it.
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
from grader.suite import direct
from grader.suite.plugin import SuiteContext, SuitePlugin
from grader.suite.run import forget_suite_modules, suite_invocation, suite_problems


@dataclass
class _Job:
    context: SuiteContext
    done: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=1))


_STOP = object()


class SuiteSessionBroken(RuntimeError):
    """pytest failed while grading a submission, or the session was closed: not the student's doing."""


class _SessionPlugin(SuitePlugin):
    """The suite plugin, with a test loop that serves one submission per job."""

    def __init__(self, context: SuiteContext, jobs: queue.Queue, *, allow_direct: bool = True):
        super().__init__(context)
        self.jobs = jobs
        self.collected = threading.Event()
        self.usable = False
        self.allow_direct = allow_direct
        self.direct = False
        """Every collected test qualifies to be run directly (``grader.suite.direct``), and that is allowed."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        collection_problems = list(self.problems)
        self.usable = bool(self.order) and not session.testsfailed
        self.collected.set()
        if not self.usable:
            return None  # pytest's own loop stops on the collection errors and says so
        items = session.items
        self.direct = self.allow_direct and all(direct.qualifies(item, self) for item in items)
        while (job := self.jobs.get()) is not _STOP:
            self.context, self.results, self.problems = job.context, {}, list(collection_problems)
            try:
                for index, item in enumerate(items):
                    if self.direct:  # see grader.suite.direct: the same results, without pytest's protocol
                        direct.run(item, self)
                        continue
                    following = items[index + 1] if index + 1 < len(items) else None
                    # Straight to the setup/call/teardown protocol: no log hooks or terminal
                    # progress, which nobody reads here (results come from makereport).
                    runtestprotocol(item, log=False, nextitem=following)
                job.done.put((self.ordered_results(), list(self.problems)))
            except BaseException as error:  # noqa: BLE001 - the session is spent; run() raises it
                self.usable = False
                job.done.put(error)
                return True
        return True


class SuiteSession:
    """A hidden suite collected once, run for any number of submissions (not concurrently)."""

    def __init__(self, suite_dir: Path, context: SuiteContext, *, direct: bool = True):
        """context: any submission's context for this suite; collection reads its task points.
        direct: run the tests directly when they all qualify (``grader.suite.direct``); False
        keeps pytest's protocol for every test (what the direct run is checked against)."""
        self.suite_dir = Path(suite_dir)
        self._jobs: queue.Queue = queue.Queue()
        self._plugin = _SessionPlugin(context, self._jobs, allow_direct=direct)
        self._log = io.StringIO()
        self._exit_code: int | None = None
        self._thread = threading.Thread(target=self._serve, name="nnf-suite-session", daemon=True)
        # pytest's terminal writer binds to sys.stdout while the session configures itself.
        with contextlib.redirect_stdout(self._log), contextlib.redirect_stderr(self._log):
            self._thread.start()
            self._plugin.collected.wait()
            if not self._plugin.usable:
                self._thread.join()  # two pytest sessions at once in one process interfere
        self.collection_failed = not self._plugin.usable
        """True when the suite did not collect: every run gets ``collection_problems``."""
        self.collection_problems = (suite_problems(self._exit_code, self._plugin, self._log.getvalue())
                                    if self.collection_failed else [])

    @property
    def usable(self) -> bool:
        """Still grading: either serving submissions, or answering for a suite that did not collect."""
        return self.collection_failed or (self._plugin.usable and self._thread.is_alive())

    def _serve(self) -> None:
        try:
            forget_suite_modules(self.suite_dir)
            with suite_invocation(self.suite_dir) as args:
                self._exit_code = pytest.main(args, plugins=[self._plugin])
        finally:
            self._plugin.collected.set()
            self._plugin.usable = False

    def run(self, context: SuiteContext) -> tuple[list[TestResult], list[str]]:
        """(results, problems) of every test of the suite against the submission behind
        ``context``; SuiteSessionBroken when pytest failed or the session is closed."""
        if self.collection_failed:
            return [], list(self.collection_problems)
        if not self.usable:
            raise SuiteSessionBroken(f"the session of {self.suite_dir} has ended")
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
            raise SuiteSessionBroken(f"pytest failed while running the hidden suite: {type(outcome).__name__}: "
                                     f"{outcome}") from outcome
        return outcome

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join(timeout=10)
