"""Step 2, classify: decide each cell's kind from its header and check the notebook's layout.

    classify_cells(nb) -> NotebookNode     every cell gets metadata {"nnf": {...}} (see cells.py)

Header metadata (docs/internals.md section 3): ``[markdown]``, ``setup=true`` (or
``setup="module:function"``, an empty cell that ``inline_setup`` fills with that helper),
``solution="module:function"``, ``check="function"`` (or ``check=true`` for a check cell of
no single function, e.g. the ``from nnf_checks import ...`` line) and ``experiment=true``.
A code cell needs exactly one of them. Errors name the file and the header's line.
"""

from __future__ import annotations

import copy
import re

from nbformat import NotebookNode

from grader.build.errors import BuildError
from grader.suggest import did_you_mean

CODE_KEYS = ("setup", "solution", "check", "experiment")
PATH_PATTERN = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def _kind(cell: NotebookNode, at: str) -> dict:
    meta = dict(cell.metadata)
    if "incorrectly_encoded_metadata" in meta:
        raise BuildError(f"{at}: cannot read the header options `{meta['incorrectly_encoded_metadata']}` "
                         f"(write key=value with JSON values: setup=true, solution=\"module:function\")")
    if cell.cell_type == "markdown":
        if meta:
            raise BuildError(f"{at}: a markdown cell takes no options, got {', '.join(sorted(meta))}")
        return {"kind": "markdown"}
    if cell.cell_type != "code":
        raise BuildError(f"{at}: {cell.cell_type} cells are not supported (use [markdown] or a code cell)")
    for key in meta:
        if key not in CODE_KEYS:
            raise BuildError(f"{at}: unknown cell option {key!r}{did_you_mean(key, CODE_KEYS)}")
    if len(meta) != 1:
        given = ", ".join(sorted(meta)) or "none"
        raise BuildError(f"{at}: a code cell needs exactly one of setup=true, solution=\"module:function\", "
                         f"check=\"function\", experiment=true (got: {given})")
    (key, value), = meta.items()
    if key == "setup" and isinstance(value, str):
        if not PATH_PATTERN.match(value):
            raise BuildError(f"{at}: setup must be true or name a helper as \"module:function\", got {value!r}")
        if cell.source.strip():
            raise BuildError(f"{at}: a setup cell that names {value} must be empty: the build fills it")
        return {"kind": "setup", "reference": value}
    if key in ("setup", "experiment"):
        if value is not True:
            raise BuildError(f"{at}: write {key}=true, got {key}={value!r}")
        return {"kind": key}
    if key == "solution":
        if not isinstance(value, str) or not PATH_PATTERN.match(value):
            raise BuildError(f"{at}: solution must name a function as \"module:function\", got {value!r}")
        if cell.source.strip():
            raise BuildError(f"{at}: a solution cell must be empty: the build fills it from {value}")
        return {"kind": "solution", "task": value.partition(":")[2], "reference": value}
    if value is True:
        return {"kind": "check"}
    if not isinstance(value, str) or not value.isidentifier():
        raise BuildError(f"{at}: check must name a graded function (check=\"sigmoid_forward\") or be true, "
                         f"got {value!r}")
    return {"kind": "check", "task": value}


def classify_cells(nb: NotebookNode) -> NotebookNode:
    """A copy of ``nb`` (as read by ``read_source``) with each cell's kind in ``metadata.nnf``."""
    source = nb.metadata["nnf"]
    new = copy.deepcopy(nb)
    solved: dict[str, int] = {}
    for cell, line in zip(new.cells, source["lines"]):
        at = f"{source['origin']}:{line}"
        meta = {**_kind(cell, at), "line": line}
        if meta["kind"] == "solution":
            if meta["task"] in solved:
                raise BuildError(f"{at}: a second solution cell for {meta['task']} "
                                 f"(the first is at line {solved[meta['task']]})")
            solved[meta["task"]] = line
        cell.metadata = {"nnf": meta}
    for cell in new.cells:
        meta = cell.metadata["nnf"]
        if meta["kind"] == "check" and "task" in meta:
            at = f"{source['origin']}:{meta['line']}"
            if meta["task"] not in solved:
                raise BuildError(f"{at}: check={meta['task']!r} names no solution cell"
                                 f"{did_you_mean(meta['task'], solved)}")
            if solved[meta["task"]] > meta["line"]:
                raise BuildError(f"{at}: the check of {meta['task']} comes before its solution cell "
                                 f"(line {solved[meta['task']]})")
    if not solved:
        raise BuildError(f"{source['origin']}: no solution cells")
    return new
