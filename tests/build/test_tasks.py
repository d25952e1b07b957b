from __future__ import annotations

import dataclasses

import pytest

from grader.build.errors import BuildError
from grader.build.tasks import collect_tasks
from grader.config import ConfigError
from tests.build.helpers import classified


def test_one_task_per_solution_cell_in_notebook_order(toy_tasks):
    assert [(t.name, t.task_id, t.points) for t in toy_tasks] == [
        ("scale_forward", "Task 01.scale_forward", 1.0),
        ("scale_backward", "Task 01.scale_backward", 2.0),
        ("cube_forward", "Task 01.cube_forward", 1.0),
        ("cube_backward", "Task 01.cube_backward", 1.0),
        ("mean_square", "Task 01.mean_square", 0.5),
    ]
    assert toy_tasks[0].reference.path == "toyref:scale_forward"


def _with_points(assignment, **points):
    return dataclasses.replace(assignment, points=points)


def test_reference_using_a_private_helper_is_refused(toy_root, toy_assignment, tmp_path):
    nb = classified(tmp_path, '# %% setup=true\nimport numpy as np\n\n# %% solution="toyref:uses_private"\n')
    with pytest.raises(BuildError, match=r"01_toy\.py:4: toyref:uses_private uses _private_helper, which no "
                                         r"setup cell or earlier solution cell"):
        collect_tasks(nb, _with_points(toy_assignment, uses_private=1))


def test_numpy_must_come_from_a_setup_cell_above(toy_root, toy_assignment, tmp_path):
    nb = classified(tmp_path, '# %% solution="toyref:mean_square"\n\n# %% setup=true\nimport numpy as np\n')
    with pytest.raises(BuildError, match=r"uses np, which no setup cell"):
        collect_tasks(nb, _with_points(toy_assignment, mean_square=1))


def test_setup_cell_syntax_error(toy_root, toy_assignment, tmp_path):
    nb = classified(tmp_path, '# %% setup=true\nimport numpy as\n\n# %% solution="toyref:mean_square"\n')
    with pytest.raises(BuildError, match=r"01_toy\.py:1: setup cell is not valid Python"):
        collect_tasks(nb, _with_points(toy_assignment, mean_square=1))


def test_unknown_reference_names_the_cell(toy_root, toy_assignment, tmp_path):
    nb = classified(tmp_path, '# %% setup=true\nimport numpy as np\n\n# %% solution="toyref:mean_sqaure"\n')
    with pytest.raises(BuildError, match=r"01_toy\.py:4: toyref:mean_sqaure: toyref has no function "
                                         r"mean_sqaure \(did you mean mean_square\?\)"):
        collect_tasks(nb, _with_points(toy_assignment, mean_square=1))


def test_points_and_cells_must_agree(toy_cells, toy_assignment):
    points = dict(toy_assignment.points)
    del points["mean_square"]
    with pytest.raises(ConfigError, match=r"course\.toml: assignments\[0\]\.points: no entry for the solution "
                                          r"cell mean_square of 01_toy\.py \(add `mean_square = 1`\)"):
        collect_tasks(toy_cells, _with_points(toy_assignment, **points))
    with pytest.raises(ConfigError, match=r"assignments\[0\]\.points\.cube_froward: no solution cell and no "
                                          r"reference function of that name \(did you mean cube_forward\?\)"):
        collect_tasks(toy_cells, _with_points(toy_assignment, **toy_assignment.points, cube_froward=1))
    with pytest.raises(ConfigError, match=r"points\.uses_private: the reference has uses_private but "
                                          r"01_toy\.py has no solution cell for it"):
        collect_tasks(toy_cells, _with_points(toy_assignment, **toy_assignment.points, uses_private=1))
