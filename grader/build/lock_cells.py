"""Step 6, lock cells: setup and check cells become read-only in Jupyter (the standard
``editable: false`` / ``deletable: false`` cell metadata), in both the source and the release,
and say so where a student looks: a first comment line ``# LOCKED ...`` and the cell tag
``locked``.

    lock_cells(nb) -> NotebookNode
"""

from __future__ import annotations

from nbformat import NotebookNode

from grader.build.cells import LOCKED_KINDS, info, map_cells

MARK = "# LOCKED: this cell cannot be edited or deleted; just run it."
TAG = "locked"


def lock_cells(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose setup and check cells cannot be edited or deleted in Jupyter."""

    def lock(cell: NotebookNode) -> None:
        if info(cell)["kind"] in LOCKED_KINDS:
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), TAG]
            if not cell.source.startswith(MARK):
                cell.source = f"{MARK}\n{cell.source}"

    return map_cells(nb, lock)
