"""Step 4a, inline solutions: each solution cell gets its reference function's source, with the
body between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers.

    inline_solutions(nb, tasks) -> NotebookNode
"""

from __future__ import annotations

from collections.abc import Sequence

from nbformat import NotebookNode

from grader.build.cells import info, map_cells
from grader.build.tasks import Task

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def solution_source(task: Task) -> str:
    """Signature and docstring, then the marked body (indented like the body)."""
    ref = task.reference
    return f"{ref.header}\n{ref.indent}{BEGIN}\n{ref.body}\n{ref.indent}{END}"


def inline_solutions(nb: NotebookNode, tasks: Sequence[Task]) -> NotebookNode:
    """A copy of ``nb`` whose solution cells hold the reference solutions."""
    by_name = {task.name: task for task in tasks}

    def fill(cell: NotebookNode) -> None:
        meta = info(cell)
        if meta["kind"] == "solution":
            cell.source = solution_source(by_name[meta["task"]])

    return map_cells(nb, fill)
