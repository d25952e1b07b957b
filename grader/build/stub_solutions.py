"""Step 4b, stub solutions: each solution cell gets the student's stub: the reference's
signature and docstring (a raw string when it holds backslashes), then a ``raise NotImplementedError`` naming the task.

    stub_solutions(nb, tasks) -> NotebookNode

No solution markers and no reference body reach the stub.
"""

from __future__ import annotations

from collections.abc import Sequence

from nbformat import NotebookNode

from grader.build.cells import info, map_cells
from grader.build.docstrings import readable_docstring
from grader.build.tasks import Task


def stub_source(task: Task) -> str:
    """``def ...:`` + docstring + ``raise NotImplementedError("Task 01.name: implement name")``."""
    ref = task.reference
    return f'{readable_docstring(ref.header)}\n{ref.indent}raise NotImplementedError("{task.task_id}: implement {task.name}")'


def stub_solutions(nb: NotebookNode, tasks: Sequence[Task]) -> NotebookNode:
    """A copy of ``nb`` whose solution cells hold stubs."""
    by_name = {task.name: task for task in tasks}

    def fill(cell: NotebookNode) -> None:
        meta = info(cell)
        if meta["kind"] == "solution":
            cell.source = stub_source(by_name[meta["task"]])

    return map_cells(nb, fill)
