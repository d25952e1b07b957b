"""``course collect SLUG DOWNLOAD --roster roster.csv``: an LMS bulk download -> nbgrader tree.

    collect(slug=, source=, roster=, out=, archive_timezone="UTC") -> CollectReport

Reads a zip or a folder (conventions in ``lms_names``), maps each file to a student of the
roster, and writes ``out/<student_id>/<slug>/<slug>.ipynb`` (or ``.py``) with nbgrader's
``timestamp.txt``. Nothing is dropped silently: every file of the download ends up collected,
superseded (an older file of the same student), not a notebook, unmatched, or ignored (folders
and the OS's own files), and the report lists each. Names inside the download never become
paths: only roster ids do.

The submission time is the file's time in the download: a zip's UTC "extended timestamp" when
the zip has one, else its local DOS time read in ``archive_timezone``; a folder's file times.
"""

from __future__ import annotations

import os
import shutil
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader.errors import UserError
from grader.lifecycle.finish import TIMESTAMP_FILE
from grader.lifecycle.lms_names import MemberName, parse_member
from grader.lifecycle.roster import Roster, RosterEntry

SUBMISSION_SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 50 * 1024 * 1024
"""A larger 'notebook' is not one (or is a zip bomb): reported, never read."""
_SYSTEM_FILES = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


class CollectError(UserError):
    """The download cannot be read at all (one line, exit 2)."""


@dataclass(frozen=True)
class Found:
    """One file of the download."""

    member: str
    """Its path in the download (as the download spells it, for the report)."""
    time: datetime
    """When the LMS says it was submitted (see the module docstring)."""
    size: int
    name: MemberName


@dataclass
class CollectReport:
    collected: list[tuple[str, Found]] = field(default_factory=list)
    """(student id, the file kept) per student."""
    superseded: list[tuple[str, Found]] = field(default_factory=list)
    """Older files of a student who has several (the latest wins)."""
    not_notebooks: list[tuple[str, Found]] = field(default_factory=list)
    """(student id or '', file) that are not .ipynb/.py: not graded."""
    unmatched: list[tuple[Found, str]] = field(default_factory=list)
    """Files no roster entry fits, and why."""
    ignored: list[tuple[str, str]] = field(default_factory=list)
    """(member, reason): folders' OS files, too-large files."""
    missing: list[str] = field(default_factory=list)
    """Roster students with no submission."""
    flagged_late: list[str] = field(default_factory=list)
    """Students whose file Canvas marked LATE."""


def _extended_mtime(info: zipfile.ZipInfo) -> datetime | None:
    """The UTC mtime of the zip's "extended timestamp" extra field (0x5455), if present."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4: at + 4 + size]
        if kind == 0x5455 and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack_from("<i", body, 1)[0], tz=timezone.utc)
        at += 4 + size
    return None


def _zone(name: str):
    try:
        return timezone.utc if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CollectError(f"--archive-timezone {name!r}: not a time zone (e.g. UTC, Europe/Berlin)") from None


def _listing(source: Path, zone) -> tuple[list[Found], list[tuple[str, str]], callable]:
    """Every file of the download, the ignored ones, and a reader of a file's bytes."""
    found: list[Found] = []
    ignored: list[tuple[str, str]] = []
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            member = path.relative_to(source).as_posix()
            stat = path.stat()
            found.append(Found(member, datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc), stat.st_size,
                               parse_member(member)))
        return found, ignored, lambda f: (source / f.member).read_bytes()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise CollectError(f"{source}: not a zip archive or a folder ({error})") from None
    for info in archive.infolist():
        if info.is_dir():
            continue
        when = _extended_mtime(info) or datetime(*info.date_time, tzinfo=zone).astimezone(timezone.utc)
        found.append(Found(info.filename, when, info.file_size, parse_member(info.filename)))
    return found, ignored, lambda f: archive.read(f.member)


def _match(roster: Roster, name: MemberName) -> tuple[RosterEntry | None, str]:
    """The roster entry of a file, or None and why not."""
    if name.convention == "canvas":
        candidates = roster.lookup("canvas_id", name.key) or [
            e for e in roster.entries if name.name.lower() in _squashed_names(e.get("name"))]
        what = f"Canvas user {name.key} ({name.name})"
    elif name.convention == "moodle":
        candidates = roster.lookup("moodle_id", name.key) or [
            e for e in roster.entries if _squashed_names(name.name) & _squashed_names(e.get("name"))]
        what = f"Moodle participant {name.key} ({name.name})"
    else:
        candidates = next((found for column in ("student_id", "username", "email", "id_number")
                           if (found := roster.lookup(column, name.key))), [])
        what = f"{name.key!r}"
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, f"{what}: not on the roster"
    return None, f"{what}: fits {len(candidates)} roster entries ({', '.join(e.student_id for e in candidates)})"


def _squashed_names(full_name: str) -> set[str]:
    """Canvas's file-name form of a name, both orders: 'Jane Doe' -> {'janedoe', 'doejane'};
    'Doe, Jane' -> the same."""
    if "," in full_name:
        last, _, first = full_name.partition(",")
        words = first.split() + last.split()
    else:
        words = full_name.split()
    squash = lambda ws: "".join(c for c in "".join(ws).lower() if c.isalnum())  # noqa: E731
    return {squash(words), squash(words[-1:] + words[:-1])} - {""}


def _timestamp_text(when: datetime) -> str:
    """nbgrader's timestamp.txt format (``nbgrader.utils.get_timestamp``-like, in UTC)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def collect(*, slug: str, source: Path, roster: Roster, out: Path, archive_timezone: str = "UTC") -> CollectReport:
    """Collect ``slug``'s submissions from ``source`` into ``out`` (an nbgrader submitted/ tree)."""
    zone = _zone(archive_timezone)
    source = Path(source)
    if not source.exists():
        raise CollectError(f"{source}: no such file or folder")
    if source.is_dir() and (out.resolve() == source.resolve() or source.resolve() in out.resolve().parents):
        raise CollectError(f"--out {out}: inside the download {source}; collect into a folder of its own")
    for entry in roster.entries:
        if entry.student_id in (".", "..") or "/" in entry.student_id or "\\" in entry.student_id:
            raise CollectError(f"{roster.path.name}: student_id {entry.student_id!r} cannot be a folder name")
    files, ignored, read = _listing(source, zone)
    report = CollectReport(ignored=ignored)
    by_student: dict[str, list[Found]] = {}
    for found in files:
        if any(mark in found.member for mark in _SYSTEM_FILES):
            report.ignored.append((found.member, "the operating system's own file"))
            continue
        entry, why = _match(roster, found.name)
        if entry is None:
            report.unmatched.append((found, why))
        elif found.name.plugin != "file" or PurePosixPath(found.name.file).suffix.lower() not in SUBMISSION_SUFFIXES:
            report.not_notebooks.append((entry.student_id, found))
        elif found.size > MAX_FILE_BYTES:
            report.ignored.append((found.member, f"{found.size} bytes: too large for a notebook"))
        else:
            by_student.setdefault(entry.student_id, []).append(found)
    for student, candidates in sorted(by_student.items()):
        # Latest first; at the same time a notebook named like the assignment, then a notebook.
        ranked = sorted(candidates, key=lambda f: (f.time, PurePosixPath(f.name.file).stem == slug,
                                                   f.name.file.lower().endswith(".ipynb"), f.member), reverse=True)
        chosen = ranked[0]
        report.collected.append((student, chosen))
        report.superseded += [(student, f) for f in ranked[1:]]
        if chosen.name.flagged_late:
            report.flagged_late.append(student)
        folder = out / student / slug
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        suffix = PurePosixPath(chosen.name.file).suffix.lower()
        (folder / f"{slug}{suffix}").write_bytes(read(chosen))
        (folder / TIMESTAMP_FILE).write_text(_timestamp_text(chosen.time) + "\n", encoding="utf-8")
        stamp = chosen.time.timestamp()
        os.utime(folder / f"{slug}{suffix}", (stamp, stamp))
    report.missing = [e.student_id for e in roster.entries if e.student_id not in by_student]
    return report
