"""Reading the build's cell metadata, and copying notebooks so that steps never mutate input.

After ``classify_cells``, every cell carries ``metadata["nnf"]``:

    kind       markdown | setup | solution | check | experiment
    line       the line of its ``# %%`` header in the source file
    task       solution: the graded function; check: the function it checks (absent for check=true)
    reference  solution: ``module:function`` of the reference implementation; setup: the helper
               the cell is filled with (``setup="module:function"``, see inline_setup.py)

Steps read it through ``info``; a notebook that has not been classified is an error, which is
how the pipeline's order is enforced by data rather than by a comment.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from nbformat import NotebookNode

KINDS = ("markdown", "setup", "solution", "check", "experiment")
LOCKED_KINDS = ("setup", "check")
"""Cells students must not edit: the grader and the checks rely on them as written."""


def info(cell: NotebookNode) -> dict:
    """The cell's build metadata; ValueError if the notebook was not classified first."""
    meta = cell.get("metadata", {}).get("nnf")
    if not meta or meta.get("kind") not in KINDS:
        raise ValueError("cell has no build metadata: run classify_cells on the notebook first")
    return meta


def origin(nb: NotebookNode) -> str:
    """The source file a notebook was read from, for error messages."""
    return nb.metadata.get("nnf", {}).get("origin", "<notebook>")


def where(nb: NotebookNode, cell: NotebookNode) -> str:
    """``file:line`` of a classified cell's header."""
    return f"{origin(nb)}:{info(cell)['line']}"


def map_cells(nb: NotebookNode, change: Callable[[NotebookNode], NotebookNode | None]) -> NotebookNode:
    """A deep copy of ``nb`` whose cells went through ``change`` (applied to copies; returning
    None keeps the copy as ``change`` left it)."""
    new = copy.deepcopy(nb)
    cells = []
    for cell in new.cells:
        changed = change(cell)
        cells.append(cell if changed is None else changed)
    new.cells = cells
    return new
