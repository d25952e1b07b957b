"""Sample submissions for the main job and demos, as an nbgrader ``submitted/`` tree:

    complete    the source notebook (the reference solution)       -> full marks
    untouched   the student release as handed out                  -> 0
    partial     the release with the first half of the solutions filled in
    buggy-<m>   the solution with the functions of self-test mutant <m> pasted into its cells

Buggy students are real notebooks: the mutant's ``def``s replace the matching solution cells.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from grader.selftest.cases import cases


def _defs(source: str) -> dict[str, str]:
    """Function name -> its source, for each top-level def of a module (plus the module's imports)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    imports = "\n".join(ast.get_source_segment(source, n) for n in tree.body
                        if isinstance(n, (ast.Import, ast.ImportFrom)))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            body = "\n".join(lines[start:node.end_lineno])
            found[node.name] = (imports + "\n\n" + body).strip() + "\n"
    return found


def _task(cell) -> str | None:
    nnf = cell.metadata.get("nnf", {})
    return nnf.get("task") if nnf.get("kind") == "solution" else None


def _with_functions(notebook, functions: dict[str, str]):
    nb = nbformat.from_dict(notebook)
    for cell in nb.cells:
        if _task(cell) in functions:
            cell.source = functions[_task(cell)]
    return nb


def _partial(source_nb, release_nb):
    nb = nbformat.from_dict(release_nb)
    solutions = {_task(c): c.source for c in source_nb.cells if _task(c)}
    keep = list(solutions)[: len(solutions) // 2]
    for cell in nb.cells:
        if _task(cell) in keep:
            cell.source = solutions[_task(cell)]
    return nb


def write_samples(*, built: Path, assignment_folder: Path, slug: str, out: Path, buggy: int = 4) -> list[str]:
    """Write sample submissions of ``slug`` under ``out/<student>/<slug>/<slug>.ipynb``; return the students."""
    source_nb = nbformat.read(built / "source" / slug / f"{slug}.ipynb", as_version=4)
    release_nb = nbformat.read(built / "release" / slug / f"{slug}.ipynb", as_version=4)
    students = {"complete": source_nb, "untouched": release_nb, "partial": _partial(source_nb, release_nb)}
    mutants = [c for c in cases(assignment_folder) if c.name.startswith("mutant:")][:buggy]
    for case in mutants:
        students[f"buggy-{case.path.stem}"] = _with_functions(source_nb, _defs(case.path.read_text()))
    for student, nb in students.items():
        folder = out / student / slug
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{slug}.ipynb")
    return list(students)
