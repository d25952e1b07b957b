"""The gradebook: SQLite, one row per (student, assignment, submission hash), written in a
transaction per submission so a killed grader leaves every finished submission recorded
exactly once and nothing half-written.

    with Gradebook(path) as book:
        book.get(student, assignment, sha256) -> SubmissionRecord | None
        book.put(record)                        # insert or replace, atomically
        book.records(assignment=None)           -> list[SubmissionRecord], latest per student
        book.superseded(assignment=None)        -> list[SubmissionRecord], records a regrade replaced

    Gradebook(path, read_only=True)   # a look that cannot change the file (``course grade --dry-run``)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from grader.errors import UserError
from grader.records import SubmissionRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    status TEXT NOT NULL,
    record_json TEXT NOT NULL,
    graded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    seq INTEGER NOT NULL,
    PRIMARY KEY (student, assignment, sha256)
);
CREATE TABLE IF NOT EXISTS superseded (
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    record_json TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    superseded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
"""


class GradebookError(UserError):
    """The gradebook cannot be opened or written (missing for a dry run, locked, corrupt,
    read-only, disk full): one line for the user, and nothing in it is lost."""


class Gradebook:
    """A SQLite gradebook file; a context manager that closes the connection."""

    def __init__(self, path: Path, *, read_only: bool = False, busy_seconds: float = 30.0):
        """read_only: open an existing gradebook without ever writing to it (its bytes stay the
        same); ``put`` then raises. busy_seconds: how long a write waits for another process's
        transaction to end."""
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            if not self.path.is_file():
                raise FileNotFoundError(f"{self.path}: no gradebook here yet")
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_seconds,
                                       isolation_level=None)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=busy_seconds, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, student: str, assignment: str, sha256: str) -> SubmissionRecord | None:
        row = self._db.execute(
            "SELECT record_json FROM submissions WHERE student=? AND assignment=? AND sha256=?",
            (student, assignment, sha256)).fetchone()
        return SubmissionRecord.from_json(row[0]) if row else None

    def put(self, record: SubmissionRecord) -> None:
        """Insert, or replace the record of the same submission; a replaced record is kept in
        the ``superseded`` table (a regrade never loses the grade it changed)."""
        if self.read_only:
            raise PermissionError(f"{self.path}: opened read-only")
        with self._transaction():
            self._db.execute(
                "INSERT INTO superseded (student, assignment, sha256, record_json, graded_at)"
                " SELECT student, assignment, sha256, record_json, graded_at FROM submissions"
                " WHERE student=? AND assignment=? AND sha256=?",
                (record.student, record.assignment, record.submission_sha256))
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions").fetchone()[0]
            self._db.execute(
                "INSERT OR REPLACE INTO submissions (student, assignment, sha256, score, max_score, status, record_json, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.student, record.assignment, record.submission_sha256, record.score,
                 record.max_score, record.status, record.to_json(), seq))

    def records(self, assignment: str | None = None) -> list[SubmissionRecord]:
        """The latest graded submission of each student (per assignment), sorted by assignment, student."""
        rows = self._db.execute(
            "SELECT record_json FROM submissions s WHERE seq = (SELECT MAX(seq) FROM submissions t"
            " WHERE t.student = s.student AND t.assignment = s.assignment)"
            + (" AND assignment = ?" if assignment else "") + " ORDER BY assignment, student",
            (assignment,) if assignment else ()).fetchall()
        return [SubmissionRecord.from_json(r[0]) for r in rows]

    def superseded(self, assignment: str | None = None) -> list[SubmissionRecord]:
        """Records that a regrade of the same submission replaced, oldest first."""
        try:
            rows = self._db.execute(
                "SELECT record_json FROM superseded" + (" WHERE assignment = ?" if assignment else "")
                + " ORDER BY rowid", (assignment,) if assignment else ()).fetchall()
        except sqlite3.OperationalError:  # a gradebook from before the table, opened read-only
            return []
        return [SubmissionRecord.from_json(r[0]) for r in rows]

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]

    def _transaction(self):
        db = self._db

        class _Tx:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, *rest):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()
