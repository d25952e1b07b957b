"""inline_setup: a setup cell that names a reference function gets that function's source."""

from __future__ import annotations

import copy
import inspect
import sys
from pathlib import Path

import nbformat
import pytest

from grader.build.cells import info
from grader.build.errors import BuildError
from grader.build.inline_setup import inline_setup
from grader.build.pipeline import build_assignment
from grader.config import load_course
from tests.build.helpers import classified

ROOT = Path(__file__).parents[2]

HELPERS = '''\
import numpy as np

SCALE = 3.0


def total(x):
    """The sum of x's entries.

    x: any shape. Returns a float.
    """
    return float(np.sum(x))


def scaled(x):
    """x times the module's SCALE (a module constant: cannot be inlined)."""
    return SCALE * x
'''


@pytest.fixture
def helpers(tmp_path, monkeypatch):
    """A module ``setuphelpers`` to name in setup cells."""
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "setuphelpers.py").write_text(HELPERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "setuphelpers", raising=False)
    yield
    sys.modules.pop("setuphelpers", None)


def _setup_sources(nb) -> list[str]:
    return [cell.source for cell in nb.cells if info(cell)["kind"] == "setup"]


def test_the_cell_gets_the_whole_function_and_the_rest_is_unchanged(tmp_path, helpers):
    nb = classified(tmp_path, '# %% setup=true\nimport numpy as np\n\n# %% setup="setuphelpers:total"\n\n'
                              '# %% solution="m:f"\n')
    before = copy.deepcopy(nb)
    filled = inline_setup(nb)
    assert nb == before
    assert _setup_sources(filled) == [
        "import numpy as np",
        'def total(x):\n    """The sum of x\'s entries.\n\n    x: any shape. Returns a float.\n    """\n'
        "    return float(np.sum(x))"]
    assert [info(c) for c in filled.cells] == [info(c) for c in nb.cells]
    namespace: dict = {}
    for source in _setup_sources(filled):
        exec(compile(source, "<cell>", "exec"), namespace)
    assert namespace["total"]([[1, 2], [3, 4]]) == 10.0


@pytest.mark.parametrize("text, message", [
    ('# %% setup="setuphelpers:total"\n\n# %% setup=true\nimport numpy as np\n',
     r"01_toy\.py:1: setuphelpers:total uses np, which no setup cell above it defines"),
    ('# %% setup=true\nimport numpy as np\n\n# %% setup="setuphelpers:scaled"\n',
     r"01_toy\.py:4: setuphelpers:scaled uses SCALE, which no setup cell above it defines"),
    ('# %% setup="setuphelpers:totl"\n', r"01_toy\.py:1: setuphelpers:totl: setuphelpers has no function totl "
                                         r"\(did you mean total\?\)"),
    ('# %% setup="setuphelpers:total"\nx = 1\n', r"01_toy\.py:1: a setup cell that names setuphelpers:total must "
                                                r"be empty"),
    ('# %% setup="setuphelpers.total"\n', r"01_toy\.py:1: setup must be true or name a helper as \"module:function\""),
])
def test_errors_name_the_header_line(tmp_path, helpers, text, message):
    with pytest.raises(BuildError, match=message):
        inline_setup(classified(tmp_path, text + '\n# %% solution="m:f"\n'))


@pytest.mark.parametrize("slug, module, name", [("02_backprop", "reference.gradcheck", "curved_function"),
                                                ("08_model_selection", "reference.model_selection", "ridge_scorer")])
def test_the_course_notebooks_hold_the_reference_helper_the_hidden_suite_imports(slug, module, name):
    course = load_course(ROOT / "course.toml", environ={})
    built = build_assignment(course.assignment(slug), course=course).files
    helper = getattr(__import__(module, fromlist=[name]), name)
    written = inspect.getsource(helper).rstrip()
    for product in ("source", "release"):
        nb = nbformat.reads(built[f"{product}/{slug}/{slug}.ipynb"].decode(), as_version=4)
        holding = [cell for cell in nb.cells if f"\ndef {name}(" in cell.source]
        assert [cell.source.partition("\n")[2] for cell in holding] == [written], product  # after "# LOCKED: ..."
        assert holding[0].metadata["nnf"]["kind"] == "setup" and "locked" in holding[0].metadata["tags"]
    suite = "\n".join(path.read_text() for path in course.assignment(slug).hidden_tests.glob("*.py"))
    assert f"from {module} import {name}" in suite and f"def {name}(" not in suite
