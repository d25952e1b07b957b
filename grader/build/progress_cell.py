"""Release step, progress cell: a closing locked cell, "Your progress", that runs every visible
check again and prints one table (task, points, PASS / FAIL with the first reason / NOT
IMPLEMENTED), then says that hidden tests decide the grade.

    add_progress_cell(nb, tasks) -> NotebookNode
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from grader.build.tasks import Task

ROLE = "progress"
WIDTH = 100
INDENT = " " * len("show_progress({")
HEADING = ("## Your progress\n\n"
           "Run this last cell at any time: it runs every visible check again, with your latest code, and "
           "lists each graded function with its points. A PASS here is a good sign, not a grade: the "
           "hidden tests use other inputs and decide your grade.")


def progress_source(tasks: Sequence[Task]) -> str:
    """``from nnf_checks import show_progress`` and the call with each task's points."""
    entries = [f'"{task.name}": {task.points:g}' for task in tasks]
    lines, line = [], "show_progress({"
    for number, entry in enumerate(entries):
        piece = entry + ("," if number < len(entries) - 1 else "})")
        if len(line) + 1 + len(piece) > WIDTH and not line.endswith("{"):
            lines.append(line)
            line = INDENT + piece
        else:
            line += ("" if line.endswith("{") else " ") + piece
    if not entries:
        line += "})"
    return "from nnf_checks import show_progress\n\n" + "\n".join([*lines, line])


def add_progress_cell(nb: NotebookNode, tasks: Sequence[Task]) -> NotebookNode:
    """A copy of ``nb`` ending with a "Your progress" heading and the locked progress cell."""
    new = copy.deepcopy(nb)
    heading = new_markdown_cell(HEADING, metadata={"nnf": {"kind": "markdown", "role": ROLE, "line": 0}})
    cell = new_code_cell(progress_source(tasks), metadata={"nnf": {"kind": "check", "role": ROLE, "line": 0}})
    for added in (heading, cell):
        added.pop("id", None)
    new.cells = [*new.cells, heading, cell]
    return new
