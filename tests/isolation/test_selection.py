"""``--isolation {auto,namespace,process}``: the probe, the fallback and its warning."""

from __future__ import annotations

import warnings

import pytest

import grader.worker.namespace as namespace_module
from grader.worker.isolation import IsolationUnavailable, IsolationWarning, launcher_for
from grader.worker.launcher import ProcessLauncher
from grader.worker.namespace import NamespaceLauncher, Support, namespace_support


def test_levels_pick_their_launcher_here(namespace_launcher):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert type(launcher_for("auto")) is NamespaceLauncher
        assert type(launcher_for("namespace")) is NamespaceLauncher
        assert type(launcher_for("process")) is ProcessLauncher
    with pytest.raises(ValueError, match="unknown isolation 'chroot'"):
        launcher_for("chroot")


def test_the_probe_runs_once_per_process(namespace_launcher):
    before = namespace_support.cache_info()
    assert namespace_support() is namespace_support()
    assert namespace_support.cache_info().misses == before.misses


def test_without_namespaces_auto_falls_back_loudly_and_namespace_refuses(monkeypatch):
    monkeypatch.setattr(namespace_module, "namespace_support", lambda: Support(False, "unshare: Operation not permitted"))
    with pytest.warns(IsolationWarning) as caught:
        launcher = launcher_for("auto")
    assert type(launcher) is ProcessLauncher
    message = str(caught[0].message)
    assert "\n" not in message and "unshare: Operation not permitted" in message
    assert "falling back to process isolation" in message and "hidden tests" in message
    with pytest.raises(IsolationUnavailable, match="not available on this machine: unshare: Operation not permitted"):
        launcher_for("namespace")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert type(launcher_for("process")) is ProcessLauncher


def test_the_probe_reports_why_the_sandbox_cannot_run():
    missing = namespace_support("/nonexistent/bin/python3")
    assert not missing.ok and "cannot run /nonexistent/bin/python3" in missing.reason
    failing = namespace_support("/bin/false")  # starts, but no sandboxed Python answers
    assert not failing.ok and failing.reason
