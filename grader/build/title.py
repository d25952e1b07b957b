"""Step 7, title: a first markdown cell naming the course, the assignment and its deadline, so
that course.toml stays the one place where they are written.

    add_title(nb, *, course_title, assignment) -> NotebookNode
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from grader.config import AssignmentConfig


def title_markdown(*, course_title: str, assignment: AssignmentConfig) -> str:
    """``# <title>`` and one line: course, assignment number, due date with its UTC offset."""
    due = assignment.due.strftime("%A %d %B %Y, %H:%M") + " " + assignment.due.strftime("%z")
    return (f"# {assignment.title}\n\n"
            f"*{course_title}, assignment {assignment.number} ({assignment.slug}), due {due}.*")


def add_title(nb: NotebookNode, *, course_title: str, assignment: AssignmentConfig) -> NotebookNode:
    """A copy of ``nb`` with the title cell in front."""
    new = copy.deepcopy(nb)
    cell = new_markdown_cell(title_markdown(course_title=course_title, assignment=assignment),
                             metadata={"nnf": {"kind": "markdown", "line": 0}})
    cell.pop("id", None)
    new.cells = [cell, *new.cells]
    return new
