"""``course similarity SLUG SUBMISSIONS``: which submissions share their solution code.

    solution_code(path, functions) -> str            what a student wrote (solution and own cells)
    compare(codes, boilerplate) -> list[Pair]        every pair, most similar first
    similarity_report(pairs, codes, ...) -> str      HTML: histogram, table, top pairs side by side

Fingerprints are copydetect's (Stanford MOSS's winnowing: k-grams of the token stream with
names, strings and comments normalised away, so renaming variables does not hide a copy).
Boilerplate, whose fingerprints are dropped before comparing, is what every student was given:
the release notebook's stubs (signature, docstring, ``raise NotImplementedError``) and its setup
cells. A pair's score is the larger of the two shares of each file's fingerprinted code found in
the other. The report is evidence for a person to read; it never changes a grade.
"""

from __future__ import annotations

import hashlib
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import copydetect.utils
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import get_token_coverage, highlight_overlap

from grader.grading.extract import SubmissionError, extract_submission

NOISE_CHARS = 25
"""copydetect's noise threshold: matches shorter than this many normalised characters are ignored."""
GUARANTEE_CHARS = 30
"""copydetect's guarantee threshold: every match this long is found (window = 30 - 25 + 1)."""
_CODE_KINDS = ("solution", "other", "module")


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    score: float
    """max(share of first's code in second, share of second's code in first), 0..1."""
    shares: tuple[float, float]
    slices: tuple[np.ndarray, np.ndarray]
    """Copied character ranges in each code text (2 x n arrays of starts and ends)."""


def solution_code(path: Path, functions: list[str], *, kinds: tuple[str, ...] = _CODE_KINDS) -> str:
    """The code a student wrote: solution cells and their own cells' definitions ('' when unreadable)."""
    try:
        extracted = extract_submission(path, expected_functions=functions)
    except SubmissionError:
        return ""
    return "\n\n".join(chunk.source.strip("\n") for chunk in extracted.chunks if chunk.kind in kinds) + "\n"


def _stable_kgram_hashes(string: str, k: int) -> np.ndarray:
    """copydetect's ``hashed_kgrams`` with a hash that is the same in every process: the builtin
    ``hash`` of a str is salted per process (PYTHONHASHSEED), so winnowing, which keeps the
    smallest hash of each window, would pick other fingerprints, and give other scores, each run."""
    return np.array([int.from_bytes(hashlib.blake2b(string[i:i + k].encode("utf-8"), digest_size=8).digest(),
                                     "little", signed=True) for i in range(len(string) - k + 1)], dtype=np.int64)


copydetect.utils.hashed_kgrams = _stable_kgram_hashes  # what CodeFingerprint calls, through the module


def _fingerprint(code: str, boilerplate: set) -> CodeFingerprint:
    """The fingerprint of ``code`` without the boilerplate's hashes. Removed here rather than by
    copydetect's ``boilerplate=``: 0.5.0 intersects with ``assume_unique=True`` an array that may
    repeat a hash, which drops the wrong fingerprints when it does."""
    fingerprint = CodeFingerprint("submission.py", NOISE_CHARS, GUARANTEE_CHARS - NOISE_CHARS + 1,
                                  fp=io.StringIO(code))
    shared = fingerprint.hashes & boilerplate
    fingerprint.hashes = fingerprint.hashes - shared
    fingerprint.hash_idx = {h: i for h, i in fingerprint.hash_idx.items() if h not in shared}
    fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, NOISE_CHARS, len(fingerprint.filtered_code))
    return fingerprint


def compare(codes: Mapping[str, str], boilerplate: str) -> list[Pair]:
    """Every pair of ``codes`` (student -> code), the highest score first (then by names)."""
    hashes = set(CodeFingerprint("boilerplate.py", NOISE_CHARS, 1, fp=io.StringIO(boilerplate)).hashes)
    prints = {student: _fingerprint(code, hashes) for student, code in codes.items()}
    pairs = []
    for first, second in combinations(sorted(prints), 2):
        _, shares, slices = compare_files(prints[first], prints[second])
        shares = (float(shares[0]), float(shares[1]))
        pairs.append(Pair(first, second, max(shares), shares, slices))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def _histogram_svg(scores: list[float], bins: int = 20) -> str:
    counts, _ = np.histogram(scores, bins=bins, range=(0.0, 1.0))
    top = max(int(counts.max()) if len(counts) else 0, 1)
    width, height, bar = 600, 160, 600 / bins
    bars = "".join(
        f'<rect x="{i * bar + 1:.1f}" y="{height - 20 - 120 * c / top:.1f}" width="{bar - 2:.1f}" '
        f'height="{120 * c / top:.1f}" fill="#4a7ebb"><title>{i / bins:.2f}-{(i + 1) / bins:.2f}: {c} pair(s)</title></rect>'
        for i, c in enumerate(counts))
    ticks = "".join(f'<text x="{x * width:.0f}" y="{height - 4}" font-size="11" text-anchor="middle">{x:g}</text>'
                    for x in (0.0, 0.25, 0.5, 0.75, 1.0))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 20}" height="{height}" '
            f'viewBox="-10 0 {width + 20} {height}" role="img" aria-label="histogram of pair scores">'
            f'{bars}<line x1="0" y1="{height - 20}" x2="{width}" y2="{height - 20}" stroke="#333"/>{ticks}'
            f'<text x="0" y="12" font-size="11">{top} pair(s)</text></svg>')


def _highlighted(code: str, slices: np.ndarray) -> str:
    if slices.size == 0:
        return html.escape(code)
    text, _ = highlight_overlap(code, slices, "<mark>", "</mark>", escape_html=True)
    return text


def similarity_report(pairs: list[Pair], codes: Mapping[str, str], *, title: str, shown: int = 10,
                      table_rows: int = 50) -> str:
    """The HTML report: histogram of every pair's score, the most similar pairs in a table and the
    first ``shown`` of them side by side with the shared code highlighted. Student text is escaped."""
    esc = html.escape
    rows = "\n".join(f"<tr><td>{i + 1}</td><td>{p.score:.0%}</td><td>{esc(p.first)}</td><td>{p.shares[0]:.0%}</td>"
                     f"<td>{esc(p.second)}</td><td>{p.shares[1]:.0%}</td></tr>"
                     for i, p in enumerate(pairs[:table_rows]))
    sides = "\n".join(
        f"<h3>{i + 1}. {esc(p.first)} and {esc(p.second)}: {p.score:.0%}</h3>"
        f"<div class='pair'><div><h4>{esc(p.first)} ({p.shares[0]:.0%} shared)</h4>"
        f"<pre>{_highlighted(codes[p.first], p.slices[0])}</pre></div>"
        f"<div><h4>{esc(p.second)} ({p.shares[1]:.0%} shared)</h4>"
        f"<pre>{_highlighted(codes[p.second], p.slices[1])}</pre></div></div>"
        for i, p in enumerate(pairs[:shown]) if p.score > 0)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Similarity: {esc(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .6em}}.pair{{display:grid;grid-template-columns:1fr 1fr;gap:1em}}
pre{{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:12px}}mark{{background:#ffe08a}}</style></head>
<body><h1>Similarity: {esc(title)}</h1>
<p>{len(codes)} submissions, {len(pairs)} pairs compared with copydetect's winnowing fingerprints
(k = {NOISE_CHARS} normalised characters; names, strings and comments ignored; the handed-out stubs
and setup cells excluded). A high score is a reason to read both submissions, not a verdict; no
grade was changed.</p>
<h2>Scores of all pairs</h2>
{_histogram_svg([p.score for p in pairs])}
<h2>Most similar pairs</h2>
<table><tr><th>#</th><th>score</th><th>student</th><th>share</th><th>student</th><th>share</th></tr>
{rows}
</table>
<h2>Side by side</h2>
{sides or "<p>No shared code.</p>"}
</body></html>
"""
