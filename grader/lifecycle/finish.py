"""The last step of grading one submission, in the trusted process: what depends on the course
and not on the code (late work, the development secret) is written into the record.

    finisher = RecordFinisher(due=..., policy=..., roster=..., submitted_at=..., development_secret=...)
    finisher.apply(submission, record) -> SubmissionRecord     total: never raises
    finisher.reusable(record) -> bool                          may a stored record be kept as is?

``course grade`` passes it to ``grade_batch``, which applies it to new records and to the ones it
keeps from the gradebook (so a changed policy, roster or timestamp.txt takes effect without
regrading).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from grader.grading.discover import Submission
from grader.lifecycle.late import LatePolicy, apply_late, read_timestamp
from grader.lifecycle.roster import Roster
from grader.records import SubmissionRecord

TIMESTAMP_FILE = "timestamp.txt"
"""nbgrader's name for the submission time, next to the notebook in submitted/<student>/<slug>/."""


@dataclass(frozen=True)
class RecordFinisher:
    due: datetime
    """The assignment's deadline (course.toml)."""
    policy: LatePolicy
    """``[grading.late]``."""
    roster: Roster | None = None
    """Per-student extensions, when given."""
    submitted_at: datetime | None = None
    """``--submitted-at``: one time for every submission, instead of timestamp.txt."""
    development_secret: bool = False
    """Graded with the secret committed in course.toml."""

    def _time(self, submission: Submission) -> tuple[datetime | None, str]:
        if self.submitted_at is not None:
            return self.submitted_at, ""
        stamp = submission.path.parent / TIMESTAMP_FILE
        if not stamp.is_file():
            return None, ""
        try:
            return read_timestamp(stamp), ""
        except (OSError, ValueError) as error:
            return None, f"{TIMESTAMP_FILE} unreadable ({error}): graded as on time"

    def apply(self, submission: Submission, record: SubmissionRecord) -> SubmissionRecord:
        when, problem = self._time(submission)
        entry = self.roster.by_id(record.student) if self.roster else None
        record = apply_late(record, submitted_at=when, due=self.due, policy=self.policy,
                            extension_hours=entry.extension_hours if entry else 0.0, problem=problem)
        extra = {k: v for k, v in record.extra.items() if k != "development_secret"}
        if self.development_secret:
            extra["development_secret"] = True
        return dataclasses.replace(record, extra=extra)

    def reusable(self, record: SubmissionRecord) -> bool:
        """A record graded with the development secret is regraded once a real secret is set (its
        hidden inputs came from the public secret), and the other way round."""
        return bool(record.extra.get("development_secret", False)) == self.development_secret


def record_finisher(course, slug: str, *, roster=None, submitted_at: datetime | None = None) -> RecordFinisher:
    """The finisher of ``slug``'s records: its deadline, the course's late policy, the roster
    (a path, read and checked now: bad input fails before any grading) and the secret in use."""
    from grader.lifecycle.late import late_policy
    from grader.lifecycle.roster import read_roster
    from grader.lifecycle.safety import development_secret

    return RecordFinisher(due=course.assignment(slug).due, policy=late_policy(course),
                          roster=read_roster(roster) if roster is not None else None,
                          submitted_at=submitted_at, development_secret=development_secret(course))
