"""Which graded function builds on which: a failing test of multihead_attention_backward says so
when attention_backward, which it calls, fails its own tests.

    builds_on(reference)            -> {task: (graded functions its reference body calls, ...)}
    note_failing_dependencies(results, builds_on) -> results, a note added to each failure
                                                    downstream of a function that fails

The student's function need not call their own attention_backward, so the note says where the
error may come from, and only that: "attention_backward, which this function builds on, fails
some of its own tests". Each part of the statement is checked (the reference calls it; it has a
failed test in this very grading).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import textwrap
from collections.abc import Mapping
from functools import lru_cache

from grader.records import TestResult

_FAILED = ("failed", "error", "not_implemented", "missing", "timeout", "crashed")


@lru_cache(maxsize=32)
def _builds_on(reference: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    tasks = {task for task, _ in reference}
    found: dict[str, tuple[str, ...]] = {}
    for task, where in reference:
        module, _, name = where.partition(":")
        try:
            source = textwrap.dedent(inspect.getsource(getattr(importlib.import_module(module), name)))
        except (ImportError, AttributeError, OSError, TypeError):
            continue
        used = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
        found[task] = tuple(sorted((used & tasks) - {task}))
    return found


def builds_on(reference: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Task -> the other graded functions its reference implementation calls."""
    return _builds_on(tuple(sorted(reference.items())))


def note_failing_dependencies(results: list[TestResult], uses: Mapping[str, tuple[str, ...]]) -> list[TestResult]:
    """Each failed test of a function whose reference calls a graded function that failed a test
    of its own in these results, with a note naming that function."""
    failing = {r.task for r in results if r.status in _FAILED}
    noted = []
    for result in results:
        upstream = [task for task in uses.get(result.task, ()) if task in failing]
        if result.status in _FAILED and upstream and result.status not in ("not_implemented", "missing"):
            names = ", ".join(upstream)
            verb = "fails" if len(upstream) == 1 else "fail"
            result = dataclasses.replace(result, output=f"{result.output} (note: {names}, which this function builds "
                                                        f"on, {verb} some of its own tests: if yours calls it, fix "
                                                        f"that first)")
        noted.append(result)
    return noted
