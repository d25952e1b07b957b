"""Step 10, autograder bundle: ``manifest.json`` (what grading needs to know) and the hidden
suite's files, none of which students ever get.

    make_manifest(assignment, tasks, *, tolerances, hidden) -> dict
    hidden_suite(folder) -> dict[str, bytes]         tests/<relative path> -> content
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from grader.build.tasks import Task
from grader.config import AssignmentConfig
from grader.tolerance import Tolerance

MANIFEST_VERSION = 1
SKIPPED = ("__pycache__", ".pytest_cache", ".ipynb_checkpoints")


def hidden_suite(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the assignment's ``tests/``), keyed ``tests/<path>``; caches
    and compiled files are left out. Empty when the folder does not exist yet."""
    if not folder.is_dir():
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part in SKIPPED for part in relative.parts) and path.suffix != ".pyc":
            files[f"tests/{relative.as_posix()}"] = path.read_bytes()
    return files


def make_manifest(assignment: AssignmentConfig, tasks: Sequence[Task], *,
                  tolerances: Mapping[str, Tolerance], hidden: Sequence[str]) -> dict:
    """The JSON-ready manifest: slug, title, due (ISO 8601), tasks in notebook order with their
    points and reference paths, total points, worker limits, tolerances, hidden test files."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "slug": assignment.slug,
        "title": assignment.title,
        "due": assignment.due.isoformat(),
        "tasks": [{"name": t.name, "task_id": t.task_id, "points": t.points, "reference": t.reference.path}
                  for t in tasks],
        "total_points": sum(t.points for t in tasks),
        "limits": assignment.limits.to_manifest(),
        "tolerances": {kind: asdict(t) for kind, t in sorted(tolerances.items())},
        "hidden_tests": sorted(hidden),
    }
