"""Shared fixtures for the framework's own tests, and how the suite is spread over xdist workers."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with the self-test's assignments as separate work units (work_units.py)."""
    if config.getoption("dist") != "loadfile":
        return None
    from tests.work_units import SplitLoadFileScheduling

    return SplitLoadFileScheduling(config, log)
