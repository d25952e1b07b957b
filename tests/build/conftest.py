"""Fixtures for the build's tests: a private copy of the toy course in files/toy_course."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from grader.config import load_course

FILES = Path(__file__).parent / "files"
TOY = "01_toy"


@pytest.fixture
def toy_root(tmp_path, monkeypatch) -> Path:
    """A copy of the toy course whose ``toyref`` module (the stand-in reference) is importable
    and freshly imported, so a test may edit it."""
    root = tmp_path / "toy_course"
    shutil.copytree(FILES / "toy_course", root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delitem(sys.modules, "toyref", raising=False)
    yield root
    sys.modules.pop("toyref", None)


@pytest.fixture
def toy_course(toy_root):
    return load_course(toy_root / "course.toml", environ={})


@pytest.fixture
def toy_assignment(toy_course):
    return toy_course.assignment(TOY)


@pytest.fixture
def toy_cells(toy_assignment):
    from grader.build.classify import classify_cells
    from grader.build.source import read_source

    return classify_cells(read_source(toy_assignment.source))


@pytest.fixture
def toy_tasks(toy_cells, toy_assignment):
    from grader.build.tasks import collect_tasks

    return collect_tasks(toy_cells, toy_assignment)


@pytest.fixture
def checks(toy_course, tmp_path):
    """The released nnf_checks.py of a built toy release, imported as a notebook imports it."""
    import importlib.util

    from grader.build.pipeline import build_course

    build_course(toy_course, out=tmp_path / "build")
    path = tmp_path / "build" / "release" / "01_toy" / "nnf_checks.py"
    spec = importlib.util.spec_from_file_location("nnf_checks_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
