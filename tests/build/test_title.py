from __future__ import annotations

from datetime import datetime, timedelta, timezone

from grader.build.cells import info
from grader.build.title import NO_HAND_IN, add_title, due_text


def test_header_cell_comes_first_with_course_deadline_tasks_and_hand_in(toy_cells, toy_assignment, toy_tasks):
    nb = add_title(toy_cells, course_title="Toy Course", assignment=toy_assignment, tasks=toy_tasks,
                   hand_in="Upload **one** file.")
    assert len(nb.cells) == len(toy_cells.cells) + 1
    first = nb.cells[0]
    assert info(first)["kind"] == "markdown"
    parts = first.source.split("\n\n")
    assert parts[:3] == ["# Toy assignment", "*Toy Course, assignment 01 (01_toy).*",
                         "**Due:** Saturday 31 January 2026, 23:59 (UTC), that is Saturday 31 January 2026, 23:59 UTC."]
    assert parts[3] == "**Tasks** (5 functions, 5.5 points):"
    assert parts[4].splitlines() == ["| function | points |", "|---|---:|", "| `scale_forward` | 1 |",
                                     "| `scale_backward` | 2 |", "| `cube_forward` | 1 |", "| `cube_backward` | 1 |",
                                     "| `mean_square` | 0.5 |"]
    assert parts[5] == "**How to hand in.** Upload **one** file."
    assert "`# LOCKED`" in parts[6] and "Your progress" in parts[6]
    assert nb.cells[1:] == toy_cells.cells


def test_due_date_in_the_course_time_zone_and_in_utc(toy_assignment):
    due = datetime(2026, 10, 5, 23, 59, tzinfo=timezone(timedelta(hours=2)))
    assignment = toy_assignment.__class__(**{**toy_assignment.__dict__, "due": due})
    assert due_text(assignment) == "Monday 05 October 2026, 23:59 (UTC+02:00), that is Monday 05 October 2026, 21:59 UTC"


def test_without_hand_in_the_header_says_to_ask(toy_cells, toy_assignment):
    nb = add_title(toy_cells, course_title="Toy Course", assignment=toy_assignment)
    assert f"**How to hand in.** {NO_HAND_IN}" in nb.cells[0].source
    assert "**Tasks**" not in nb.cells[0].source
