"""Release step, environment cell: the first code cell checks that this Python can run the
notebook (its version, each required package and version, ``nnf_checks.py`` and
``expected.npz`` next to the notebook) and says in one line per problem what to do.

    add_environment_cell(nb, *, requirements) -> NotebookNode

The cell is plain standard-library code (it must work when everything else is missing) and never
raises: a missing package is one line naming it and the exact command that installs it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from grader.build.requirements import PYTHON, Requirement

ROLE = "environment"
TEMPLATE = '''\
# Checks that this Python can run the notebook. Run it first; it changes nothing.
def _nnf_check_environment(python, packages, files):
    import importlib.metadata, os, re, sys
    version = lambda text: tuple(int(part) for part in re.findall(r"\\d+", text)[:2])
    problems = []
    if sys.version_info[:2] < python:
        problems.append(f"Python {{sys.version.split()[0]}} is too old: this notebook needs Python "
                        f"{{python[0]}}.{{python[1]}} or newer (https://www.python.org/downloads/)")
    found = [f"Python {{sys.version.split()[0]}}"]
    for name, minimum in packages.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed is None or version(installed) < version(minimum):
            state = "is missing" if installed is None else f"{{installed}} is too old"
            problems.append(f"{{name}} {{state}}: run  %pip install \\"{{name}}>={{minimum}}\\"  in a new cell, "
                            f"then restart the kernel (Kernel > Restart Kernel)")
        else:
            found.append(f"{{name}} {{installed}}")
    for file in files:
        if not os.path.isfile(file):
            problems.append(f"{{file}} is missing next to this notebook: open the notebook inside its "
                            f"release folder, which holds {{' and '.join(files)}}")
    print("\\n".join(f"PROBLEM: {{line}}" for line in problems) if problems
          else "Environment OK: " + ", ".join(found) + "; " + " and ".join(files) + " found.")


_nnf_check_environment({python}, {packages}, {files})
del _nnf_check_environment'''
FILES = ("nnf_checks.py", "expected.npz")


def environment_source(requirements: Sequence[Requirement]) -> str:
    """The cell's code for these requirements."""
    packages = "{" + ", ".join(f'"{r.distribution}": "{r.minimum}"' for r in requirements) + "}"
    files = "(" + ", ".join(f'"{f}"' for f in FILES) + ")"
    return TEMPLATE.format(python=tuple(PYTHON), packages=packages, files=files)


def add_environment_cell(nb: NotebookNode, *, requirements: Sequence[Requirement]) -> NotebookNode:
    """A copy of ``nb`` with the environment cell first (a locked check cell, role environment)."""
    new = copy.deepcopy(nb)
    cell = new_code_cell(environment_source(requirements),
                         metadata={"nnf": {"kind": "check", "role": ROLE, "line": 0}})
    cell.pop("id", None)
    new.cells = [cell, *new.cells]
    return new
