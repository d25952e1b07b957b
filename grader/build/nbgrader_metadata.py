"""Step 5 (source notebook only), nbgrader metadata: schema v3 cell metadata that
``nbgrader generate_assignment`` accepts (nbgrader's ``nbgraderformat/v3.json``).

    add_nbgrader_metadata(nb, tasks) -> NotebookNode

solution     {"grade": true, "solution": true, "locked": false, "grade_id": <function>, "points": <points>}
setup/check  {"grade": false, "solution": false, "locked": true, "grade_id": setup_1 | check_<function>}
markdown, experiment: no nbgrader metadata (free to edit).

Each task is one nbgrader grade cell: its solution cell, a "manually graded answer" carrying
the task's points from course.toml. That choice makes nbgrader's own tools show our grades
and never invent any: ``generate_assignment`` records one grade cell per task (formgrader and
``nbgrader export`` list each task's points and the total), ``course grade --nbgrader-db``
fills in each cell's score and our diagnosis as its comment, and ``nbgrader autograde`` alone
gives an untouched stub 0 and anything else "needs manual grading", never points (an
autograder *test* cell would earn full marks whenever it runs without raising, and our visible
checks print FAIL instead of raising). Manual scores and comments entered in formgrader stay
on top of ours.
"""

from __future__ import annotations

from collections.abc import Sequence

from nbformat import NotebookNode

from grader.build.cells import info, map_cells
from grader.build.tasks import Task

SCHEMA_VERSION = 3


def _metadata(*, solution: bool, locked: bool, grade_id: str, points: float | None = None) -> dict:
    meta = {"grade": points is not None, "solution": solution, "locked": locked,
            "schema_version": SCHEMA_VERSION, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return meta


def add_nbgrader_metadata(nb: NotebookNode, tasks: Sequence[Task]) -> NotebookNode:
    """A copy of ``nb`` with ``metadata.nbgrader`` on solution, setup and check cells; grade ids
    are unique (a second check of one function gets ``check_<function>_2``); each solution cell
    is a grade cell worth its task's points."""
    points = {task.name: task.points for task in tasks}
    used: dict[str, int] = {}

    def unique(stem: str) -> str:
        used[stem] = used.get(stem, 0) + 1
        return stem if used[stem] == 1 else f"{stem}_{used[stem]}"

    def mark(cell: NotebookNode) -> None:
        meta = info(cell)
        if meta["kind"] == "solution":
            cell.metadata["nbgrader"] = _metadata(solution=True, locked=False, grade_id=unique(meta["task"]),
                                                  points=points[meta["task"]])
        elif meta["kind"] == "setup":
            cell.metadata["nbgrader"] = _metadata(solution=False, locked=True, grade_id=unique("setup"))
        elif meta["kind"] == "check":
            stem = f"check_{meta['task']}" if "task" in meta else "checks"
            cell.metadata["nbgrader"] = _metadata(solution=False, locked=True, grade_id=unique(stem))

    return map_cells(nb, mark)
