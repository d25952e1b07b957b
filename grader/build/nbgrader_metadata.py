"""Step 5 (source notebook only), nbgrader metadata: schema v3 cell metadata that
``nbgrader generate_assignment`` accepts (nbgrader's ``nbgraderformat/v3.json``).

    add_nbgrader_metadata(nb) -> NotebookNode

solution     {"grade": false, "solution": true, "locked": false, "grade_id": <function>}
setup/check  {"grade": false, "solution": false, "locked": true, "grade_id": setup_1 | check_<function>}
markdown, experiment: no nbgrader metadata (free to edit).

Solution cells are nbgrader "autograded answer" cells. Points live in course.toml and the
hidden suite, not in the notebook: nbgrader only allows points on ``grade: true`` cells, and
grading here runs our hidden suite rather than nbgrader's test cells.
"""

from __future__ import annotations

from nbformat import NotebookNode

from grader.build.cells import info, map_cells

SCHEMA_VERSION = 3


def _metadata(*, solution: bool, locked: bool, grade_id: str) -> dict:
    return {"grade": False, "solution": solution, "locked": locked,
            "schema_version": SCHEMA_VERSION, "grade_id": grade_id}


def add_nbgrader_metadata(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` with ``metadata.nbgrader`` on solution, setup and check cells; grade ids
    are unique (a second check of one function gets ``check_<function>_2``)."""
    used: dict[str, int] = {}

    def unique(stem: str) -> str:
        used[stem] = used.get(stem, 0) + 1
        return stem if used[stem] == 1 else f"{stem}_{used[stem]}"

    def mark(cell: NotebookNode) -> None:
        meta = info(cell)
        if meta["kind"] == "solution":
            cell.metadata["nbgrader"] = _metadata(solution=True, locked=False, grade_id=unique(meta["task"]))
        elif meta["kind"] == "setup":
            cell.metadata["nbgrader"] = _metadata(solution=False, locked=True, grade_id=unique("setup"))
        elif meta["kind"] == "check":
            stem = f"check_{meta['task']}" if "task" in meta else "checks"
            cell.metadata["nbgrader"] = _metadata(solution=False, locked=True, grade_id=unique(stem))

    return map_cells(nb, mark)
