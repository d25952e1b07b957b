"""01_activations specifics. What holds for every assignment (nbgrader accepts it, both
notebooks run, no leaks, determinism) is in test_assignments_e2e.py."""

from __future__ import annotations

from pathlib import Path

from grader.build.classify import classify_cells
from grader.build.source import read_source
from grader.build.tasks import collect_tasks
from grader.config import load_course

ROOT = Path(__file__).parents[2]
SLUG = "01_activations"


def test_every_graded_function_is_a_task_worth_one_point():
    course = load_course(ROOT / "course.toml", environ={})
    assignment = course.assignment(SLUG)
    tasks = collect_tasks(classify_cells(read_source(assignment.source)), assignment)
    names = [t.name for t in tasks]
    assert names == list(assignment.points)
    assert len(names) == 22 and {t.points for t in tasks} == {1.0}
