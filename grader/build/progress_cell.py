"""Release step, progress cell: a closing locked cell, "Your progress", that runs every visible
check again and prints one table (task, points, PASS / FAIL with the first reason / NOT
IMPLEMENTED), then says that hidden tests decide the grade.

    add_progress_cell(nb, tasks) -> NotebookNode
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Sequence

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from grader.build.tasks import Task

ROLE = "progress"
HEADING = ("## Your progress\n\n"
           "Run this last cell at any time: it runs every visible check again, with your latest code, and "
           "lists each graded function with its points. A PASS here is a good sign, not a grade: the "
           "hidden tests use other inputs and decide your grade.")


def progress_source(tasks: Sequence[Task]) -> str:
    """``from nnf_checks import show_progress`` and the call with each task's points."""
    points = ", ".join(f'"{task.name}": {task.points:g}' for task in tasks)
    call = textwrap.fill("show_progress({" + points + "})", width=100, subsequent_indent="              ",
                         break_long_words=False, break_on_hyphens=False)
    return f"from nnf_checks import show_progress\n\n{call}"


def add_progress_cell(nb: NotebookNode, tasks: Sequence[Task]) -> NotebookNode:
    """A copy of ``nb`` ending with a "Your progress" heading and the locked progress cell."""
    new = copy.deepcopy(nb)
    heading = new_markdown_cell(HEADING, metadata={"nnf": {"kind": "markdown", "role": ROLE, "line": 0}})
    cell = new_code_cell(progress_source(tasks), metadata={"nnf": {"kind": "check", "role": ROLE, "line": 0}})
    for added in (heading, cell):
        added.pop("id", None)
    new.cells = [*new.cells, heading, cell]
    return new
