"""Text from records, safe inside a Markdown document that may be rendered as HTML.

    markdown_text("<b>x|y</b>\\n*z*") -> "&lt;b&gt;x\\|y&lt;/b&gt; \\*z\\*"

Student ids come from file and folder names, and a test's output can quote what the student's
code raised: either may hold Markdown or HTML. Interim: the project's sanitising helper (made
safe where text enters a record) is on its way; the reports built from records escape here, for
their own format, in any case.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~!#])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def markdown_text(text: str, *, limit: int | None = None) -> str:
    """``text`` on one line, HTML-escaped, Markdown punctuation backslash-escaped, at most
    ``limit`` characters of the original (an ellipsis marks a cut)."""
    text = _CONTROL.sub("", " ".join(str(text).split()))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def markdown_code(name: str) -> str:
    """A function or test name as inline code when it is a plain identifier (nothing in a code
    span needs escaping then), else as escaped text."""
    return f"`{name}`" if _IDENTIFIER.fullmatch(name) else markdown_text(name)
