"""The pytest invocation of a hidden suite (a folder of pytest files), in this process, and
``run_suite``: one submission through a session of its own.

``_pytest.pathlib.module_name_from_path`` (private) tells which ``sys.modules`` names pytest's
importlib mode gives a suite's files; its pin and its test are the session's (see session.py)."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

import pytest
from _pytest.pathlib import module_name_from_path  # --import-mode=importlib's naming

from grader.records import TestResult
from grader.suite.plugin import SuiteContext, SuitePlugin


def run_suite(suite_dir: Path, context: SuiteContext) -> tuple[list[TestResult], list[str]]:
    """Every test in ``suite_dir`` against one submission: a session opened for it alone (the
    grader keeps sessions open instead; the results are the same)."""
    from grader.suite.session import SuiteSession

    session = SuiteSession(suite_dir, context)
    try:
        return session.run(context)
    finally:
        session.close()


def suite_problems(exit_code, plugin: SuitePlugin, log: str) -> list[str]:
    """The problems of a pytest run of a suite that did not get to its tests: what the plugin saw
    at collection, and what pytest said (its exit code and the end of its output)."""
    problems = list(plugin.problems)
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        problems.append(f"the hidden suite could not run (pytest exit {int(exit_code)}): " + _tail(log))
    elif not plugin.order and exit_code != pytest.ExitCode.NO_TESTS_COLLECTED:
        problems.append("the hidden suite failed to collect: " + _tail(log))
    return problems


def forget_suite_modules(suite_dir: Path) -> None:
    """Drop from ``sys.modules`` what pytest would take for this suite's test modules.

    pytest's importlib mode names a test module by its path within the suite
    (``test_conv.py`` -> ``test_conv``) and reuses a module of that name it finds in
    ``sys.modules``: a run would inherit the module of another suite with a file of the same
    name, or the previous run's state, or an empty module whose import failed (its error gone).
    """
    root = Path(suite_dir).resolve()
    names = {module_name_from_path(path, root) for path in root.rglob("*.py")}
    prefixes = (str(root) + os.sep, str(Path(suite_dir).absolute()) + os.sep)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)  # as pytest imported it: no need to resolve
        if name in names or (isinstance(path, str) and path.startswith(prefixes)):
            del sys.modules[name]


@contextlib.contextmanager
def suite_invocation(suite_dir: Path, *, extra: tuple[str, ...] = ()):
    """The arguments of ``pytest.main`` for a hidden suite, valid inside the ``with``: no
    configuration file (``-c /dev/null``: the repository's pytest settings stay out), no plugin
    autoload. Nothing on disk: a pool process ends with os._exit and would leave it behind."""
    with _no_plugin_autoload():
        yield [
            str(suite_dir), "-c", os.devnull, "--rootdir", str(suite_dir),
            "-p", "no:cacheprovider", "-p", "no:warnings", "--import-mode=importlib",
            "--strict-markers", "-q", "--no-header", "-s", "--tb=no",
            *(arg for plugin in _UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")),
            *extra,
        ]


# Built-in plugins no hidden suite uses; each costs time on every test of every submission
# (unraisableexception alone runs a full garbage collection at the end of each session).
_UNUSED_PLUGINS = ("unraisableexception", "threadexception", "logging", "faulthandler", "junitxml",
                   "pastebin", "doctest", "stepwise", "setuponly", "setupplan", "debugging", "legacypath")


@contextlib.contextmanager
def _no_plugin_autoload():
    """Installed pytest plugins (hypothesis, anyio...) cost seconds per run and serve no suite."""
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def _tail(text: str, lines: int = 15) -> str:
    """The end of pytest's output, without its timings: a record must not change between runs."""
    text = re.sub(r" in \d+(\.\d+)?s( \(\d+:\d+:\d+\))?", "", text)
    return "\n".join(text.strip().splitlines()[-lines:])
