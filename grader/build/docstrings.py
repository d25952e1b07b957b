"""Readable docstrings: a stub's docstring written as a raw string when it holds backslashes,
so the notebook shows ``\\sigma`` as ``\\sigma`` once, not doubled, and ``help()`` shows the same.

    readable_docstring(header) -> str       header: ``def ...:`` line(s) and the docstring

The docstring's value never changes (a test compares ``__doc__`` before and after); a docstring
that a raw string cannot spell (a control character, triple quotes, a final backslash) is left
as it is.
"""

from __future__ import annotations

import ast


def _raw_literal(value: str) -> str | None:
    if '"""' in value or value.endswith("\\") or any(ch < " " and ch not in "\n" for ch in value):
        return None
    return f'r"""{value}"""'


def readable_docstring(header: str) -> str:
    """``header`` with its docstring as ``r\"\"\"...\"\"\"`` when that is needed and possible."""
    lines = header.splitlines()
    body_indent = "    "
    try:
        tree = ast.parse(header + f"\n{body_indent}pass")
    except SyntaxError:
        return header
    function = tree.body[0]
    doc = function.body[0] if function.body else None
    if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str)):
        return header
    node, value = doc.value, doc.value.value
    first, last = node.lineno - 1, node.end_lineno - 1
    segment = ast.get_source_segment(header, node)
    if "\\" not in value or segment is None or segment[:1] in "rR":
        return header
    literal = _raw_literal(value)
    if literal is None:
        return header
    before = lines[first][: node.col_offset]
    after = lines[last][node.end_col_offset:]
    return "\n".join([*lines[:first], before + literal + after, *lines[last + 1:]])
