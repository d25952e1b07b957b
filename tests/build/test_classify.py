from __future__ import annotations

import copy

import pytest

from grader.build.cells import info
from grader.build.classify import classify_cells
from grader.build.errors import BuildError
from grader.build.source import read_source
from tests.build.helpers import TOY_SOURCE, classified, write_source


def test_kinds_tasks_and_lines(tmp_path):
    nb = classified(tmp_path, TOY_SOURCE)
    assert [info(c) for c in nb.cells] == [
        {"kind": "markdown", "line": 1},
        {"kind": "setup", "line": 4},
        {"kind": "solution", "task": "cube_forward", "reference": "toyref:cube_forward", "line": 7},
        {"kind": "check", "task": "cube_forward", "line": 9},
        {"kind": "solution", "task": "cube_backward", "reference": "toyref:cube_backward", "line": 12},
        {"kind": "experiment", "line": 14},
    ]


def test_returns_a_new_notebook(tmp_path):
    raw = read_source(write_source(tmp_path, TOY_SOURCE))
    before = copy.deepcopy(raw)
    classify_cells(raw)
    assert raw == before


def test_check_true_is_a_check_of_no_single_function(tmp_path):
    nb = classified(tmp_path, '# %% check=true\nfrom nnf_checks import check_outputs\n\n# %% solution="m:f"\n')
    assert info(nb.cells[0]) == {"kind": "check", "line": 1}


@pytest.mark.parametrize("text, message", [
    ('# %% chek="f"\nx = 1\n# %% solution="m:f"\n', r"01_toy\.py:1: unknown cell option 'chek' \(did you mean check\?\)"),
    ('# %% setup=true experiment=true\nx = 1\n', r":1: a code cell needs exactly one of .* \(got: experiment, setup\)"),
    ("# %%\nx = 1\n", r":1: a code cell needs exactly one of .*\(got: none\)"),
    ('# %% solution=m:f\n', r":1: cannot read the header options `solution=m:f`"),
    ('# %% solution="m.f"\n', r":1: solution must name a function as \"module:function\", got 'm.f'"),
    ('# %% solution="m:f"\nreturn 1\n', r":1: a solution cell must be empty"),
    ("# %% setup=1\nx = 1\n", r":1: write setup=true, got setup=1"),
    ('# %% [markdown] setup=true\n# text\n', r":1: a markdown cell takes no options"),
    ('# %% solution="m:f"\n\n# %% solution="n:f"\n', r":3: a second solution cell for f \(the first is at line 1\)"),
    ('# %% solution="m:fun"\n\n# %% check="fnu"\nc()\n', r":3: check='fnu' names no solution cell \(did you mean fun\?\)"),
    ('# %% check="f"\nc()\n\n# %% solution="m:f"\n', r":1: the check of f comes before its solution cell \(line 4\)"),
    ('# %% check="f(x)"\nc()\n', r":1: check must name a graded function"),
    ("# %% setup=true\nimport numpy\n", r"01_toy\.py: no solution cells"),
])
def test_errors_name_file_line_and_problem(tmp_path, text, message):
    with pytest.raises(BuildError, match=message):
        classified(tmp_path, text)
