"""Release requirements: derived from imports, bounded like pyproject.toml, checked at build time."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from grader.build.errors import BuildError
from grader.build.pipeline import CHECKS_MODULE, build_course
from grader.build.requirements import PACKAGES, Requirement, imported_modules, release_requirements

ROOT = Path(__file__).parents[2]


def _with_cell(nb, cell):
    new = nb.copy()
    cell.metadata = {"nnf": {"kind": "experiment", "line": 99}}
    new.cells = [*nb.cells, cell]
    return new


def test_imported_modules_counts_imports_and_find_spec_but_not_guarded_ones():
    code = ("import os.path\nfrom scipy.special import erf\nimport importlib.util\n"
            "spec = importlib.util.find_spec('sklearn')\n"
            "try:\n    from threadpoolctl import threadpool_limits\nexcept ImportError:\n    pass\n"
            "from . import local\n")
    assert imported_modules(code) == {"os", "scipy", "importlib", "sklearn"}


def test_toy_release_needs_numpy_only(toy_cells):
    assert release_requirements(toy_cells, helper=CHECKS_MODULE.read_text()) == (Requirement("numpy", "1.26", "numpy"),)


def test_an_import_or_a_suggested_import_adds_its_package(toy_cells):
    nb = _with_cell(toy_cells, new_code_cell("import matplotlib.pyplot as plt"))
    nb = _with_cell(nb, new_markdown_cell("Use `from sklearn.datasets import load_digits` here."))
    assert [str(r) for r in release_requirements(nb, helper="")] == ["matplotlib>=3.8", "numpy>=1.26",
                                                                     "scikit-learn>=1.4"]


def test_an_unlisted_package_is_a_build_error_naming_the_cell(toy_cells):
    nb = _with_cell(toy_cells, new_code_cell("import pandas as pd"))
    with pytest.raises(BuildError, match=r"^01_toy\.py:99: imports pandas, which no release requirements\.txt lists"):
        release_requirements(nb, helper="")
    with pytest.raises(BuildError, match=r"^nnf_checks\.py: imports torch"):
        release_requirements(toy_cells, helper="import torch\n")


def test_lower_bounds_are_the_ones_pyproject_installs_for_the_tests():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    bounds = dict(dep.split(">=") for dep in pyproject["project"]["dependencies"] if ">=" in dep)
    for distribution, minimum in PACKAGES.values():
        assert bounds[distribution] == minimum, distribution


def test_build_writes_one_file_per_release_and_one_for_the_course(toy_course, tmp_path):
    build_course(toy_course, out=tmp_path)
    folder = (tmp_path / "release" / "01_toy" / "requirements.txt").read_text().splitlines()
    assert folder[0].startswith("# 01_toy (Toy assignment): install with  python -m pip install -r requirements.txt")
    assert [line for line in folder if not line.startswith("#")] == ["numpy>=1.26"]
    course = (tmp_path / "release" / "requirements.txt").read_text().splitlines()
    assert [line for line in course if not line.startswith("#")] == ["numpy>=1.26"]
    # another release folder's lines join the course file
    (tmp_path / "release" / "02_other").mkdir()
    (tmp_path / "release" / "02_other" / "requirements.txt").write_text("# x\nscipy>=1.11\n")
    build_course(toy_course, out=tmp_path)
    course = (tmp_path / "release" / "requirements.txt").read_text().splitlines()
    assert [line for line in course if not line.startswith("#")] == ["numpy>=1.26", "scipy>=1.11"]


def test_the_course_release_lists_what_the_notebooks_import():
    from grader.build.classify import classify_cells
    from grader.build.inline_setup import inline_setup
    from grader.build.source import read_source
    from grader.config import load_course

    course = load_course(ROOT / "course.toml", environ={})
    needed = set()
    for assignment in course.assignments:
        cells = inline_setup(classify_cells(read_source(assignment.source)))  # what the build reads
        needed |= {r.distribution for r in release_requirements(cells, helper=CHECKS_MODULE.read_text())}
    assert needed == {"numpy", "scipy", "matplotlib", "scikit-learn"}
