"""Shared by the life-cycle tests: a roster file and LMS-style zips as they really come."""

from __future__ import annotations

import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path

ROSTER = """student_id,Name,Email,Canvas ID,SIS User ID,SIS Login ID,Section,Moodle ID,extension_days
ada,Ada Lovelace,ada@uni.example,123,S001,ada,A,5551,
grace,"Hopper, Grace",grace@uni.example,,S002,grace,A,,2
alan,Alan Turing,alan@uni.example,789,S003,alan,B,5553,
"""


def write_roster(folder: Path, text: str = ROSTER) -> Path:
    path = folder / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def utc_extra(when: datetime) -> bytes:
    """Info-ZIP's "extended timestamp" extra field (0x5455): flags (mtime present), UTC mtime."""
    body = struct.pack("<Bi", 1, int(when.timestamp()))
    return struct.pack("<HH", 0x5455, len(body)) + body


def write_zip(path: Path, members: dict[str, tuple[bytes, tuple | datetime]]) -> Path:
    """members: name -> (bytes, a DOS date_time tuple or an aware datetime stored as UTC extra field)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, when) in members.items():
            if isinstance(when, datetime):
                info = zipfile.ZipInfo(name, date_time=when.astimezone(timezone.utc).timetuple()[:6])
                info.extra = utc_extra(when)
            else:
                info = zipfile.ZipInfo(name, date_time=when)
            archive.writestr(info, data)
    return path
