from __future__ import annotations

from grader.build.cells import info
from grader.build.lock_cells import MARK, lock_cells


def test_setup_and_check_cells_are_read_only(toy_cells):
    nb = lock_cells(toy_cells)
    for cell in nb.cells:
        locked = info(cell)["kind"] in ("setup", "check")
        assert cell.metadata.get("editable", True) is (not locked)
        assert cell.metadata.get("deletable", True) is (not locked)
    assert all("editable" not in c.metadata for c in toy_cells.cells)



def test_locked_cells_say_so_in_their_first_line_and_tags_once(toy_cells):
    nb = lock_cells(toy_cells)
    for before, cell in zip(toy_cells.cells, nb.cells):
        if info(cell)["kind"] in ("setup", "check"):
            assert cell.source == f"{MARK}\n{before.source}"
            assert cell.metadata["tags"] == ["locked"]
        else:
            assert cell.source == before.source and "tags" not in cell.metadata
    again = lock_cells(nb)
    assert [c.source for c in again.cells] == [c.source for c in nb.cells]
