"""Step 8, finalize: the notebook as written to disk: stable cell ids, no outputs, only the
metadata that readers need, the kernel named.

    finalize_notebook(nb, *, slug) -> NotebookNode

Cell ids come from position and kind (``07-solution-sigmoid_forward``), so the source and the
release of one assignment share ids and a rebuild reproduces them. ``metadata.nnf`` keeps
``kind``, ``task`` (the grader finds solution cells in a submitted .ipynb by them) and ``role``
(environment, progress: the cells the build adds) and drops
what only the build needs (header line, reference path).
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.build.cells import info

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_METADATA = ("nbgrader", "editable", "deletable", "tags")


def _cell_id(index: int, meta: dict) -> str:
    detail = meta.get("task") or meta.get("role")
    return "-".join([f"{index:02d}", meta["kind"], *([detail] if detail else [])])[:64]


def finalize_notebook(nb: NotebookNode, *, slug: str) -> NotebookNode:
    """A new notebook (nbformat 4.5) built from ``nb``'s cells and the kept metadata."""
    cells = []
    for index, cell in enumerate(nb.cells):
        meta = info(cell)
        metadata = {key: cell.metadata[key] for key in KEPT_METADATA if key in cell.metadata}
        metadata["nnf"] = {key: meta[key] for key in ("kind", "task", "role") if key in meta}
        make = new_markdown_cell if cell.cell_type == "markdown" else new_code_cell
        new = make(cell.source, metadata=metadata)
        new.id = _cell_id(index, meta)
        cells.append(new)
    out = new_notebook(cells=cells, metadata={"kernelspec": dict(KERNELSPEC),
                                              "language_info": {"name": "python"},
                                              "nnf": {"assignment": slug}})
    out.nbformat, out.nbformat_minor = 4, 5
    return out
