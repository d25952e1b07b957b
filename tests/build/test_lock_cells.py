from __future__ import annotations

from grader.build.cells import info
from grader.build.lock_cells import lock_cells


def test_setup_and_check_cells_are_read_only(toy_cells):
    nb = lock_cells(toy_cells)
    for cell in nb.cells:
        locked = info(cell)["kind"] in ("setup", "check")
        assert cell.metadata.get("editable", True) is (not locked)
        assert cell.metadata.get("deletable", True) is (not locked)
    assert all("editable" not in c.metadata for c in toy_cells.cells)
