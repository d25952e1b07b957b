"""What a worker template imports before any submission of an assignment: the modules of the
allowed packages that the assignment's graded reference functions import in their bodies (01's
GELU: ``from scipy.special import erf``), which its students are told to import the same way.

Importing ``scipy.special`` takes about a quarter of a second; imported once in the template, it
costs no worker anything. NumPy is always imported.

    preload_for({"gelu_forward": "reference.activations:gelu_forward", ...}) -> ("scipy.special",)
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
from collections.abc import Mapping

from grader.worker.launcher import PACKAGES


def preload_for(reference: Mapping[str, str]) -> tuple[str, ...]:
    """The non-NumPy modules of ``PACKAGES`` imported by these ``module:function`` references."""
    return _preload(tuple(sorted(reference.values())))


@functools.lru_cache(maxsize=64)
def _preload(targets: tuple[str, ...]) -> tuple[str, ...]:
    found: set[str] = set()
    for target in targets:
        found.update(_imports_of(target))
    return tuple(sorted(found))


def _imports_of(target: str) -> set[str]:
    module_name, _, name = target.partition(":")
    try:
        source = inspect.getsource(getattr(importlib.import_module(module_name), name))
    except (ImportError, AttributeError, OSError, TypeError):
        return set()  # the suite reports a missing reference; nothing to preload for it
    modules = set()
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return {m for m in modules if m.split(".")[0] in PACKAGES and m.split(".")[0] != "numpy"}
