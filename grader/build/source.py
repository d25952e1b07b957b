"""Step 1, read: an assignment's Jupytext percent source as a notebook, headers as written.

    read_source(path, *, label=None) -> NotebookNode

Cell metadata is whatever the ``# %%`` header says (``setup=true`` -> {"setup": True});
``classify_cells`` judges it. The notebook remembers its file (``metadata.nnf.origin``) and
the line of every header (``metadata.nnf.lines``) so later errors can point at them.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
from nbformat import NotebookNode

from grader.build.errors import BuildError

HEADER = "# %%"
LAYOUT_KEYS = ("cell_marker", "lines_to_next_cell", "lines_to_end_of_cell_marker")
"""Cell metadata jupytext adds about the text layout (blank lines); not the author's."""


def read_source(path: str | Path, *, label: str | None = None) -> NotebookNode:
    """Parse ``path``; ``label`` (default: the file name) is how errors will name the file."""
    path = Path(path)
    label = label or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"{label}: no such file") from None
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(HEADER)]
    if not lines:
        raise BuildError(f"{label}: no `# %%` cell headers (the source is a Jupytext percent file)")
    before = text.splitlines()[: lines[0] - 1]
    if any(line.strip() for line in before):
        raise BuildError(f"{label}:1: text before the first `# %%` header; every cell needs a header")
    nb = jupytext.reads(text, fmt="py:percent")
    if len(nb.cells) != len(lines):
        raise BuildError(f"{label}: found {len(nb.cells)} cells for {len(lines)} `# %%` headers; "
                         f"is a header indented or inside a string?")
    nb.metadata = {"nnf": {"origin": label, "lines": lines}}
    for cell in nb.cells:
        cell.pop("id", None)  # jupytext draws random ids; the build assigns stable ones at the end
        for key in LAYOUT_KEYS:
            cell.metadata.pop(key, None)
    return nb
