"""The private pytest functions and attributes the grader relies on, checked against the pytest installed.

If one of these fails after a pytest upgrade, the suite session (grader/suite/session.py), the
direct run of hidden tests (grader/suite/direct.py) or the module hygiene between suites
(grader/suite/run.py) no longer does what it says: adapt them to the new release, then widen the
pin on pytest in pyproject.toml.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_pytest_is_in_the_pinned_series():
    requirements = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(r for r in requirements if r.startswith("pytest") and not r.startswith("pytest-"))
    low, high = re.fullmatch(r"pytest>=([\d.]+),<([\d.]+)", pin).groups()
    version = tuple(int(part) for part in pytest.__version__.split(".")[:2])
    assert tuple(map(int, low.split("."))) <= version < tuple(map(int, high.split("."))), (
        f"pytest {pytest.__version__} is outside the tested pin {pin!r}")


def test_runtestprotocol_runs_setup_call_teardown_without_logging(pytester):
    from _pytest.runner import runtestprotocol

    assert list(inspect.signature(runtestprotocol).parameters) == ["item", "log", "nextitem"], (
        "_pytest.runner.runtestprotocol changed its signature: grader/suite/session.py calls "
        "runtestprotocol(item, log=False, nextitem=...)")
    seen = []

    class Loop:  # what the session's plugin does: its own test loop over the collected items
        @pytest.hookimpl(tryfirst=True)
        def pytest_runtestloop(self, session):
            for item in session.items:
                seen.append([(r.when, r.outcome) for r in runtestprotocol(item, log=False, nextitem=None)])
            return True

    pytester.makepyfile("def test_one():\n    pass\n\ndef test_two():\n    assert False\n")
    pytester.inline_run(plugins=[Loop()])
    assert seen == [[("setup", "passed"), ("call", "passed"), ("teardown", "passed")],
                    [("setup", "passed"), ("call", "failed"), ("teardown", "passed")]]


def test_module_name_from_path_names_suite_files_as_importlib_mode_does(tmp_path):
    from _pytest.pathlib import module_name_from_path

    assert module_name_from_path(tmp_path / "test_conv.py", tmp_path) == "test_conv"
    assert module_name_from_path(tmp_path / "sub" / "test_x.py", tmp_path) == "sub.test_x"
    assert module_name_from_path(tmp_path / "conftest.py", tmp_path) == "conftest"


def test_what_the_direct_run_reads_of_a_collected_item(pytester):
    """grader/suite/direct.py decides from an item's _fixtureinfo and the fixture function of a
    parametrized argument whether calling the test function gives what the protocol gives."""
    from _pytest.python import async_fail, get_direct_param_fixture_func

    assert list(inspect.signature(async_fail).parameters) == ["nodeid"]
    seen = {}

    class Look:
        @pytest.fixture
        def student(self):
            return "student"

        def pytest_collection_modifyitems(self, session, config, items):
            info = items[0]._fixtureinfo
            seen["argnames"] = tuple(info.argnames)
            seen["initialnames"] = tuple(info.initialnames)
            seen["closure"] = list(info.names_closure)
            seen["student"] = [d.func.__self__ is self for d in info.name2fixturedefs["student"]]
            seen["n"] = [d.func is get_direct_param_fixture_func for d in info.name2fixturedefs["n"]]
            items[:] = []

    pytester.makepyfile("import pytest\n\n@pytest.mark.parametrize('n', [1])\ndef test_one(student, n):\n    pass\n")
    pytester.inline_run(plugins=[Look()])
    assert seen == {"argnames": ("student", "n"), "initialnames": ("student", "n"), "closure": ["student", "n"],
                    "student": [True], "n": [True]}, (
        "pytest changed the fixture information of an item: grader/suite/direct.py must follow it")
