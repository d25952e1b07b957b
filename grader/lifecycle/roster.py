"""The roster: the course's student ids and how each LMS knows the student.

    read_roster(path) -> Roster
    roster.by_id(student_id) -> RosterEntry | None

A UTF-8 CSV (a spreadsheet's BOM is fine) with a header row; column names are matched without
case, spaces and dashes (``Canvas ID`` = ``canvas_id``):

    student_id     required, unique: the id used in submitted/<student_id>/ and every record
    name           full name as the LMS shows it (Moodle's download names; Canvas's sortable name)
    email, username, id_number     Moodle's identifiers (grade import maps one of them)
    canvas_id, sis_user_id, sis_login_id, section   Canvas's gradebook columns
    moodle_id      Moodle's participant id (the number in its download's folder names)
    extension_hours, extension_days   extra time for this student (added up; both optional)

Any other column is an error naming it: a misspelt extension column must not silently cost a
student their extension.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import UserError
from grader.suggest import did_you_mean

COLUMNS = ("student_id", "name", "email", "username", "id_number", "canvas_id", "sis_user_id",
           "sis_login_id", "section", "moodle_id", "extension_hours", "extension_days")


class RosterError(UserError):
    """A problem in the roster file: one line naming the file, the row and the column."""


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster."""

    student_id: str
    """The course's id of the student."""
    fields: dict = field(default_factory=dict)
    """The other columns, by normalised name ('' when empty)."""
    extension_hours: float = 0.0
    """Extra hours before this student's work counts as late."""

    def get(self, column: str) -> str:
        return self.fields.get(column, "")


@dataclass(frozen=True)
class Roster:
    """The students in file order."""

    entries: tuple[RosterEntry, ...]
    path: Path

    def by_id(self, student_id: str) -> RosterEntry | None:
        return next((e for e in self.entries if e.student_id == student_id), None)

    def lookup(self, column: str, value: str) -> list[RosterEntry]:
        """Entries whose ``column`` equals ``value`` (ignoring case and surrounding blanks)."""
        wanted = value.strip().casefold()
        return [e for e in self.entries if wanted and (e.student_id if column == "student_id" else e.get(column))
                .strip().casefold() == wanted]


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def _hours(path: Path, row: int, column: str, text: str, scale: float) -> float:
    if not text.strip():
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise RosterError(f"{path.name}: row {row}, {column}: expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise RosterError(f"{path.name}: row {row}, {column}: must be a number >= 0, got {text!r}")
    return value * scale


def read_roster(path: str | Path) -> Roster:
    """Read and check the roster CSV; ``RosterError`` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text (save the roster as CSV UTF-8)") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise RosterError(f"{path.name}: empty roster (expected a header row with student_id)")
    header = [_normalise(c) for c in rows[0]]
    for column in header:
        if column not in COLUMNS:
            hint = did_you_mean(column, COLUMNS) or f"; known columns: {', '.join(COLUMNS)}"
            raise RosterError(f"{path.name}: unknown column {column!r}{hint}")
    if "student_id" not in header:
        raise RosterError(f"{path.name}: no student_id column (the id used in submitted/<student_id>/)")
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(header, (cell.strip() for cell in row)))
        student = values.pop("student_id", "")
        if not student:
            raise RosterError(f"{path.name}: row {number}: empty student_id")
        if student in seen:
            raise RosterError(f"{path.name}: row {number}: student_id {student!r} is already on row {seen[student]}")
        seen[student] = number
        extension = (_hours(path, number, "extension_hours", values.get("extension_hours", ""), 1.0)
                     + _hours(path, number, "extension_days", values.get("extension_days", ""), 24.0))
        entries.append(RosterEntry(student_id=student, fields=values, extension_hours=extension))
    return Roster(entries=tuple(entries), path=path)
