"""Step 7, header: a first markdown cell with the assignment's title, the course, the due date
(in the time zone course.toml gives it, and in UTC), the graded tasks with their points and how
to hand in, so that course.toml stays the one place where they are written.

    add_title(nb, *, course_title, assignment, tasks=(), hand_in="") -> NotebookNode
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import timezone

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from grader.config import AssignmentConfig

NO_HAND_IN = "Your instructor will tell you how to hand in."


def _when(moment) -> str:
    return moment.strftime("%A %d %B %Y, %H:%M")


def due_text(assignment: AssignmentConfig) -> str:
    """``Monday 05 October 2026, 23:59 (UTC+02:00), that is Monday 05 October 2026, 21:59 UTC``."""
    offset = assignment.due.strftime("%z")
    zone = "UTC" if offset in ("+0000", "-0000") else f"UTC{offset[:3]}:{offset[3:]}"
    utc = assignment.due.astimezone(timezone.utc)
    return f"{_when(assignment.due)} ({zone}), that is {_when(utc)} UTC"


def title_markdown(*, course_title: str, assignment: AssignmentConfig, tasks: Sequence = (),
                   hand_in: str = "") -> str:
    """``# <title>``, course and due date, a table of the tasks and points, how to hand in."""
    parts = [f"# {assignment.title}",
             f"*{course_title}, assignment {assignment.number} ({assignment.slug}).*",
             f"**Due:** {due_text(assignment)}."]
    if tasks:
        total = sum(task.points for task in tasks)
        rows = "\n".join(f"| `{task.name}` | {task.points:g} |" for task in tasks)
        parts.append(f"**Tasks** ({len(tasks)} functions, {total:g} points):\n\n"
                     f"| function | points |\n|---|---:|\n{rows}")
    parts.append("**How to hand in.** " + (hand_in.strip() or NO_HAND_IN))
    parts.append("Run the notebook from the top (*Run > Run All Cells*). Cells that start with "
                 "`# LOCKED` cannot be edited or deleted; write your code in the function cells. "
                 "The last cell, *Your progress*, shows where you stand.")
    return "\n\n".join(parts)


def add_title(nb: NotebookNode, *, course_title: str, assignment: AssignmentConfig, tasks: Sequence = (),
              hand_in: str = "") -> NotebookNode:
    """A copy of ``nb`` with the header cell in front."""
    new = copy.deepcopy(nb)
    cell = new_markdown_cell(title_markdown(course_title=course_title, assignment=assignment, tasks=tasks,
                                            hand_in=hand_in),
                             metadata={"nnf": {"kind": "markdown", "line": 0}})
    cell.pop("id", None)
    new.cells = [cell, *new.cells]
    return new
