"""Step 3, collect tasks: one Task per solution cell, its reference loaded and its points known.

    collect_tasks(nb, assignment) -> tuple[Task, ...]     in notebook order

Checks that course.toml's points and the solution cells agree (``check_points``) and that each
reference function is self-contained: every name it reads is a builtin, defined by a setup
cell above it, or an earlier graded function (docs/internals.md section 1).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbformat import NotebookNode

from grader.build.cells import info, origin, where
from grader.build.errors import BuildError
from grader.build.function_source import ReferenceFunction, bound_names, load_reference, public_functions
from grader.config import AssignmentConfig, check_points


@dataclass(frozen=True)
class Task:
    """One graded function of an assignment."""

    name: str
    """The function's name: nbgrader ``grade_id``, key of ``[assignments.points]``."""
    task_id: str
    """What the student's stub names, e.g. ``Task 01.sigmoid_forward``."""
    points: float
    """From course.toml."""
    reference: ReferenceFunction
    """The implementation whose source becomes the solution."""


def _setup_names(nb: NotebookNode, cell: NotebookNode) -> set[str]:
    try:
        return bound_names(ast.parse(cell.source))
    except SyntaxError as exc:
        raise BuildError(f"{where(nb, cell)}: setup cell is not valid Python: {exc.msg} "
                         f"(cell line {exc.lineno})") from None


def collect_tasks(nb: NotebookNode, assignment: AssignmentConfig) -> tuple[Task, ...]:
    """The tasks of a classified notebook; ConfigError/BuildError when something does not match."""
    solutions = [(cell, info(cell)) for cell in nb.cells if info(cell)["kind"] == "solution"]
    references = {}
    for cell, meta in solutions:
        try:
            references[meta["task"]] = load_reference(meta["reference"])
        except BuildError as exc:
            raise BuildError(f"{where(nb, cell)}: {exc}") from None
    modules = sorted({meta["reference"].partition(":")[0] for _, meta in solutions})
    check_points(assignment, solutions=[meta["task"] for _, meta in solutions],
                 reference_names=[name for module in modules for name in public_functions(module)])

    available: set[str] = set()
    tasks = []
    for cell in nb.cells:
        meta = info(cell)
        if meta["kind"] == "setup":
            available |= _setup_names(nb, cell)
        elif meta["kind"] == "solution":
            reference = references[meta["task"]]
            missing = sorted(reference.free_names - available)
            if missing:
                raise BuildError(
                    f"{where(nb, cell)}: {reference.path} uses {', '.join(missing)}, which no setup cell or "
                    f"earlier solution cell of {origin(nb)} defines (graded functions must be "
                    f"self-contained: docs/internals.md section 1)")
            available.add(reference.name)
            tasks.append(Task(name=reference.name, task_id=f"Task {assignment.number}.{reference.name}",
                              points=assignment.points[reference.name], reference=reference))
    return tuple(tasks)
