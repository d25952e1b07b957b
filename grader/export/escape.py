"""Record text escaped for each output format.

Records hold clean text already (``grader.safe_text``: valid, visible, bounded); what is left is
what each format itself gives meaning to. Every export writes student-reachable text (ids,
test output, problems) only through one of these.

    markdown_text("a <b>|c")  -> 'a &lt;b&gt;\\|c'   inline Markdown: no HTML, links, emphasis, table breaks
    csv_cell("=1+2")          -> "'=1+2"            no spreadsheet formula (OWASP CSV injection)
    terminal_text("[red]x")   -> '\\[red]x'          rich prints it as typed
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = set("\\`*[]|~")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(text: str, *, limit: int | None = None) -> str:
    """Inline Markdown that renders as ``text`` itself: HTML (``<script>``, ``<img onerror>``) as
    entities, emphasis/links/code/table pipes backslash-escaped, line breaks as ``<br>`` so a
    list item or table row stays one line. limit: at most that many characters of ``text``
    (an ellipsis marks the cut)."""
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return _MARKDOWN_ESCAPE.sub(_markdown_escape, text)


# An underscore between two letters or digits (``[^\W_]`` is str.isalnum) cannot start or end
# emphasis, so snake_case stays readable; every other special character is escaped.
_MARKDOWN_ESCAPE = re.compile(r"(?P<inner>(?<=[^\W_])_(?=[^\W_]))|[&<>_\n" + re.escape("".join(sorted(_MARKDOWN_SPECIAL))) + "]")
_MARKDOWN_REPLACEMENT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "_": "\\_", "\n": "<br>",
                         **{char: "\\" + char for char in _MARKDOWN_SPECIAL}}


def _markdown_escape(match: re.Match) -> str:
    return "_" if match.group("inner") else _MARKDOWN_REPLACEMENT[match.group()]


def markdown_code(text: str) -> str:
    """``text`` as an inline code span: a run of backticks longer than any inside it, so nothing
    inside can close the span (code spans show their content literally, HTML included)."""
    text = text.replace("\n", " ")
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: OWASP's rule, a leading ``'`` before a
    cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def terminal_text(text: str) -> str:
    """Text for a rich console: its markup (``[bold]``, ``[link=...]``) shown, not applied."""
    from rich.markup import escape

    return escape(text)
