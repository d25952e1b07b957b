"""Fixtures of the namespace-isolation tests. They run against the real sandbox: where the
probe fails, they fail (with the probe's reason); only a system without Linux namespaces at
all skips them."""

from __future__ import annotations

import os

import pytest

from grader.worker.namespace import NamespaceLauncher, namespace_support


@pytest.fixture(scope="session")
def namespace_launcher() -> NamespaceLauncher:
    if not os.path.exists("/proc/self/ns/pid"):
        pytest.skip("unshare(2): this OS has no Linux namespaces")
    support = namespace_support()
    assert support.ok, f"the namespace sandbox does not work on this machine: {support.reason}"
    return NamespaceLauncher()
