"""Release step, requirements: what a student installs to run a release, derived from what the
release notebook and ``nnf_checks.py`` import, so the file can never fall behind the notebook.

    release_requirements(nb, *, helper, label) -> tuple[Requirement, ...]     sorted by distribution
    requirements_bytes(requirements) -> bytes                                 requirements.txt

Every top-level module a code cell imports (or looks up with ``importlib.util.find_spec("...")``),
or a markdown cell tells the student to import (`` `from scipy.special import erf` ``), is from the standard library, is the released helper, or is in ``PACKAGES``; anything else is
a BuildError naming the cell, so a release never imports a package its requirements.txt lacks.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from nbformat import NotebookNode

from grader.build.cells import info, where
from grader.build.errors import BuildError

PYTHON = (3, 11)
"""The oldest Python the releases are tested with."""
PACKAGES = {
    "numpy": ("numpy", "1.26"),
    "scipy": ("scipy", "1.11"),
    "matplotlib": ("matplotlib", "3.8"),
    "sklearn": ("scikit-learn", "1.4"),
}
"""import name -> (distribution on PyPI, lower bound). The bounds are pyproject.toml's: the
versions the project's tests run with (a test keeps the two in step)."""
SUGGESTED_IMPORT = re.compile(r"`\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))[^`]*`")
"""An import a markdown cell tells the student to write (`from scipy.special import erf`)."""
RELEASED_MODULES = ("nnf_checks",)
"""Modules that ship in the release folder itself."""


@dataclass(frozen=True, order=True)
class Requirement:
    """One line of requirements.txt."""

    distribution: str
    """The name pip installs (scikit-learn)."""
    minimum: str
    """The lower bound (1.4)."""
    module: str
    """The name the notebook imports (sklearn)."""

    def __str__(self) -> str:
        return f"{self.distribution}>={self.minimum}"


def _optional_imports(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside ``try: ... except ImportError:`` (the code copes without)."""
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            optional |= {id(inner) for part in node.body for inner in ast.walk(part)}
    return optional


def imported_modules(code: str) -> set[str]:
    """Top-level names of the modules ``code`` imports, or looks up with a literal find_spec;
    imports guarded by ``except ImportError`` are optional and not counted."""
    found = set()
    tree = ast.parse(code)
    optional = _optional_imports(tree)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.partition(".")[0])
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "find_spec"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value.partition(".")[0])
    return found


def _requirements(modules: Iterable[str], at: str) -> set[Requirement]:
    wanted = set()
    for module in sorted(set(modules)):
        if module in sys.stdlib_module_names or module in RELEASED_MODULES or module == "__future__":
            continue
        if module not in PACKAGES:
            raise BuildError(f"{at}: imports {module}, which no release requirements.txt lists "
                             f"(add it to PACKAGES in grader/build/requirements.py with its lower bound)")
        distribution, minimum = PACKAGES[module]
        wanted.add(Requirement(distribution, minimum, module))
    return wanted


def release_requirements(nb: NotebookNode, *, helper: str, label: str = "nnf_checks.py") -> tuple[Requirement, ...]:
    """The packages the classified notebook ``nb`` and the helper module's source need."""
    wanted = _requirements(imported_modules(helper), label)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            suggested = {(a or b).partition(".")[0] for a, b in SUGGESTED_IMPORT.findall(cell.source)}
            wanted |= _requirements(suggested, where(nb, cell))
            continue
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        try:
            modules = imported_modules(cell.source)
        except SyntaxError as exc:
            raise BuildError(f"{where(nb, cell)}: {info(cell)['kind']} cell is not valid Python: {exc.msg}") from None
        wanted |= _requirements(modules, where(nb, cell))
    return tuple(sorted(wanted))


def requirements_bytes(requirements: Iterable[Requirement], *, title: str) -> bytes:
    """requirements.txt: a comment naming what it is for, then one ``name>=version`` a line."""
    lines = [f"# {title}: install with  python -m pip install -r requirements.txt",
             f"# (Python {PYTHON[0]}.{PYTHON[1]} or newer; JupyterLab or Jupyter Notebook to open the notebooks)"]
    lines += sorted({str(r) for r in requirements})
    return ("\n".join(lines) + "\n").encode("utf-8")
