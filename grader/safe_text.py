"""Text that came from a student, made safe once, where it enters a record.

Anything a student controls can reach a record: exception messages, ``__qualname__``, printed
output, cell text, file and folder names (the student id). ``clean_text`` turns such text into
plain, valid, visible text:

- valid UTF-8: a lone surrogate (from ``"\\ud800"`` in a message, or a file name whose bytes are
  not UTF-8) becomes its escape, e.g. ``\\ud800`` or ``\\xff``;
- visible: control characters (C0 but tab and newline, DEL, C1), bidi embeddings, overrides and
  isolates, zero-width and other invisible format characters become escapes such as ``\\x1b``
  or ``\\u202e``, so nothing can move a terminal's cursor, reorder a line or hide text;
- bounded: at most ``limit`` characters, the rest replaced by a note saying how much was cut.

``clean_text`` is idempotent, so a record read back from the gradebook is cleaned again at no
harm. Each output format then escapes the clean text for itself (``grader.export.escape``).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 except tab and newline, DEL, C1
    "\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e"  # soft hyphen, Arabic letter mark, fillers
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f"  # zero-width, LRM/RLM, separators, bidi, invisible ops
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb"  # variation selectors, BOM, interlinear annotation
    "\ud800-\udfff]"  # lone surrogates
)


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (Python's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_text(text: str, *, limit: int) -> str:
    """``text`` as valid, visible UTF-8 of at most ``limit`` characters (see the module doc)."""
    if type(text) is not str:
        text = str(text)
    if not (text.isascii() and text.isprintable()):
        text = _UNSAFE.sub(_visible, text)
    if len(text) <= limit:
        return text
    note = f" … [{len(text) - limit:,} more characters cut]"
    keep = max(0, limit - len(note) - 10)
    return text[:keep] + f" … [{len(text) - keep:,} more characters cut]"
