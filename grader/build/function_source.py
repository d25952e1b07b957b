"""Reading a reference function: the callable, and its source split into header and body.

    load_reference(path) -> ReferenceFunction      path: "reference.activations:sigmoid_forward"
    bound_names(code) -> set[str]                  names a piece of code defines at top level

The source is read from the module's file with ``ast`` (not ``inspect.getsource``, whose line
cache can serve a stale copy of an edited file), from the ``def`` line on: ``@shapes(...)``
decorators are dropped (internals section 1), any other decorator is an error.
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.build.errors import BuildError
from grader.suggest import did_you_mean

ALLOWED_DECORATORS = ("shapes",)


@dataclass(frozen=True)
class ReferenceFunction:
    """One graded function of the reference, ready to inline or to stub."""

    path: str
    """``module:function`` as the solution cell names it."""
    name: str
    """The function's name: the task name and the nbgrader ``grade_id``."""
    function: Callable
    """The imported function (with its shape checks), run to compute expected values."""
    header: str
    """``def ...:`` line(s) and the docstring, dedented to column 0: what students get."""
    body: str
    """The statements after the docstring, indented as in the source: the solution."""
    indent: str
    """The body's indentation (what a stub's ``raise`` line and the solution markers use)."""
    free_names: frozenset[str]
    """Names the function reads but does not define (beyond builtins): what the notebook must
    provide before it (setup cells, earlier solution cells)."""


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ast.unparse(target)


def bound_names(code: str | ast.AST) -> set[str]:
    """Every name the code binds anywhere (assignments, parameters, imports, defs, loops, ...)."""
    tree = ast.parse(code) if isinstance(code, str) else code
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def _free_names(node: ast.FunctionDef) -> frozenset[str]:
    bare = copy.copy(node)
    bare.decorator_list = []  # stripped by the build, so not needed by the notebook
    used = {n.id for n in ast.walk(bare) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return frozenset(used - bound_names(bare) - set(dir(builtins)))


def _split(node: ast.FunctionDef, lines: list[str], path: str) -> tuple[str, str]:
    body = node.body
    if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        raise BuildError(f"{path}: the reference function has no docstring; students' stubs need it")
    if len(body) == 1:
        raise BuildError(f"{path}: the reference function has nothing after its docstring")
    header = "\n".join(lines[node.lineno - 1: body[0].end_lineno])
    solution = lines[body[0].end_lineno: node.end_lineno]
    while solution and not solution[0].strip():
        solution = solution[1:]
    return header, "\n".join(solution).rstrip()


def load_reference(path: str) -> ReferenceFunction:
    """Import ``module:function`` and read its source; BuildError naming ``path`` if impossible."""
    module_name, _, name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module's own SyntaxError/NameError: one line
        raise BuildError(f"{path}: cannot import {module_name}: {type(exc).__name__}: {exc}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise BuildError(f"{path}: {module_name} has no function {name}{did_you_mean(name, public_functions(module_name))}")
    file = Path(getattr(module, "__file__", "") or "")
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    if not found:
        raise BuildError(f"{path}: {name} is not a top-level def in {file.name} "
                         f"(graded functions are inlined from their source)")
    node = found[-1]
    for decorator in node.decorator_list:
        if _decorator_name(decorator) not in ALLOWED_DECORATORS:
            raise BuildError(f"{path}: decorator @{ast.unparse(decorator)} cannot be inlined "
                             f"(only @shapes(...) is allowed and stripped)")
    header, body = _split(node, file.read_text(encoding="utf-8").splitlines(), path)
    first = body.splitlines()[0]
    return ReferenceFunction(path=path, name=name, function=function, header=header, body=body,
                             indent=first[: len(first) - len(first.lstrip())], free_names=_free_names(node))


def public_functions(module_name: str) -> list[str]:
    """The public function names of a reference module (for "did you mean" hints)."""
    module = importlib.import_module(module_name)
    return sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and not n.startswith("_")
                  and getattr(v, "__module__", module_name) == module_name)
