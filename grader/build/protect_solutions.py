"""Release step, protect solutions: a student's solution cells cannot be deleted (they stay
editable), as nbgrader's own release does (``LockCells.lock_solution_cells``): deleting one
loses the function the grader looks for.

    protect_solutions(nb) -> NotebookNode
"""

from __future__ import annotations

from nbformat import NotebookNode

from grader.build.cells import info, map_cells


def protect_solutions(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` whose solution cells carry ``deletable: false``."""

    def protect(cell: NotebookNode) -> None:
        if info(cell)["kind"] == "solution":
            cell.metadata["deletable"] = False

    return map_cells(nb, protect)
