from __future__ import annotations

from grader.build.cells import info
from grader.build.title import add_title


def test_title_cell_comes_first_with_course_and_deadline(toy_cells, toy_assignment):
    nb = add_title(toy_cells, course_title="Toy Course", assignment=toy_assignment)
    assert len(nb.cells) == len(toy_cells.cells) + 1
    first = nb.cells[0]
    assert info(first)["kind"] == "markdown"
    assert first.source == ("# Toy assignment\n\n"
                            "*Toy Course, assignment 01 (01_toy), due Saturday 31 January 2026, 23:59 +0000.*")
    assert nb.cells[1:] == toy_cells.cells
