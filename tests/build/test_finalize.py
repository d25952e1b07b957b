from __future__ import annotations

import nbformat

from grader.build.finalize import finalize_notebook
from grader.build.lock_cells import lock_cells
from grader.build.nbgrader_metadata import add_nbgrader_metadata


def test_ids_metadata_and_kernel(toy_cells, toy_tasks):
    nb = finalize_notebook(lock_cells(add_nbgrader_metadata(toy_cells, toy_tasks)), slug="01_toy")
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["nnf"] == {"assignment": "01_toy"}
    assert [c.id for c in nb.cells[:5]] == ["00-markdown", "01-setup", "02-check", "03-solution-scale_forward",
                                           "04-check-scale_forward"]
    solution = nb.cells[3]
    assert solution.metadata["nnf"] == {"kind": "solution", "task": "scale_forward"}  # no line, no reference
    assert set(solution.metadata) == {"nnf", "nbgrader"}
    assert set(nb.cells[1].metadata) == {"nnf", "nbgrader", "editable", "deletable", "tags"}
    assert nb.cells[1].metadata["tags"] == ["locked"]
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def test_ids_depend_on_position_and_kind_only(toy_cells):
    edited = toy_cells.copy()
    edited.cells = [c.copy() for c in toy_cells.cells]
    edited.cells[0].source = "Other words."
    a = finalize_notebook(toy_cells, slug="01_toy")
    b = finalize_notebook(edited, slug="01_toy")
    assert [c.id for c in a.cells] == [c.id for c in b.cells]


def test_the_role_of_an_added_cell_is_kept_and_names_its_id(toy_cells):
    from grader.build.progress_cell import add_progress_cell

    nb = finalize_notebook(add_progress_cell(toy_cells, []), slug="01_toy")
    assert nb.cells[-1].metadata["nnf"] == {"kind": "check", "role": "progress"}
    assert nb.cells[-1].id == f"{len(nb.cells) - 1:02d}-check-progress"
