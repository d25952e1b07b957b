"""Step 2b, inline setup helpers: a setup cell that names a reference function gets its source.

    inline_setup(nb) -> NotebookNode

Some notebooks hand the student a helper that the hidden suite needs too (02's
``curved_function``, 08's ``ridge_scorer``: the suite passes a handle to the student's copy back
into the student's function, and computes what to expect with its own). Writing the helper in
the notebook and again in the suite gives two copies to keep in sync; instead it lives in
``reference/`` (one definition, with its own tests), the notebook's cell names it,

    # %% setup="reference.gradcheck:curved_function"

and this step fills the (empty) cell with the function's whole source, signature, docstring and
body, unmarked: it is locked setup code that students run and the grader extracts, the same in
the source and the release notebook. The suite imports the function from ``reference``.
Like a graded function, the helper may only read names that a setup cell above it defines.
"""

from __future__ import annotations

import ast

from nbformat import NotebookNode

from grader.build.cells import info, map_cells, origin
from grader.build.errors import BuildError
from grader.build.function_source import ReferenceFunction, bound_names, load_reference


def setup_source(helper: ReferenceFunction) -> str:
    """The helper as the setup cell shows it: the reference function's text, decorators aside."""
    return f"{helper.header}\n{helper.body}"


def inline_setup(nb: NotebookNode) -> NotebookNode:
    """A copy of a classified ``nb`` whose setup cells that name a reference function hold its
    source; BuildError naming the header's line when the function cannot be inlined."""
    available: set[str] = set()

    def fill(cell: NotebookNode) -> None:
        meta = info(cell)
        if meta["kind"] != "setup":
            return
        at = f"{origin(nb)}:{meta['line']}"
        if "reference" in meta:
            try:
                helper = load_reference(meta["reference"])
            except BuildError as exc:
                raise BuildError(f"{at}: {exc}") from None
            missing = sorted(helper.free_names - available)
            if missing:
                raise BuildError(f"{at}: {helper.path} uses {', '.join(missing)}, which no setup cell above it "
                                 f"defines (a setup helper must be self-contained: docs/internals.md section 1)")
            cell.source = setup_source(helper)
        try:
            available.update(bound_names(ast.parse(cell.source)))
        except SyntaxError:
            pass  # collect_tasks reports a setup cell that is not valid Python, with its line

    return map_cells(nb, fill)
