from __future__ import annotations

from grader.build.cells import info
from grader.build.protect_solutions import protect_solutions


def test_solution_cells_cannot_be_deleted_but_stay_editable(toy_cells):
    nb = protect_solutions(toy_cells)
    for cell in nb.cells:
        solution = info(cell)["kind"] == "solution"
        assert cell.metadata.get("deletable", True) is (not solution)
        assert "editable" not in cell.metadata
    assert all("deletable" not in c.metadata for c in toy_cells.cells)
