"""The progress cell: a closing heading and a locked cell that calls show_progress with the points."""

from __future__ import annotations

from grader.build.cells import info
from grader.build.progress_cell import add_progress_cell, progress_source


def test_progress_cell_closes_the_notebook_with_every_task_and_its_points(toy_cells, toy_tasks):
    nb = add_progress_cell(toy_cells, toy_tasks)
    heading, cell = nb.cells[-2:]
    assert nb.cells[:-2] == toy_cells.cells
    assert info(heading)["kind"] == "markdown" and heading.source.startswith("## Your progress")
    assert "hidden tests" in heading.source
    assert info(cell) == {"kind": "check", "role": "progress", "line": 0}
    assert cell.source.startswith("from nnf_checks import show_progress\n\nshow_progress({")
    namespace = {}
    exec(cell.source.replace("from nnf_checks import show_progress", "show_progress = dict"), namespace)
    call = cell.source.split("\n\n", 1)[1]
    assert eval(call.replace("show_progress", "dict")) == {t.name: t.points for t in toy_tasks}


def test_long_calls_wrap_at_100_columns_between_entries(toy_tasks):
    many = list(toy_tasks) * 8
    source = progress_source(many)
    assert all(len(line) <= 100 for line in source.splitlines())
    for task in toy_tasks:
        assert source.count(f'"{task.name}": {task.points:g}') == 8
