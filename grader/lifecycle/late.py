"""Late work: the ``[grading.late]`` policy of course.toml and what it does to a record.

    late_policy(course) -> LatePolicy
    read_timestamp(path) -> datetime            nbgrader's timestamp.txt (or any ISO 8601 time)
    apply_late(record, submitted_at=, due=, policy=, extension_hours=) -> SubmissionRecord
    late_line(record) -> str | None             the one line the feedback shows

    [grading.late]                  # every key optional; without the table: no penalty
    grace_minutes = 15              # this late still counts as on time
    penalty_percent = 10            # per started period late, of the points earned
    per = "day"                     # "day" or "hour"
    max_penalty_percent = 50        # the penalty never exceeds this
    no_credit_after_days = 7        # later than this after the deadline: 0 points

Lateness is measured from the student's deadline (course.toml's ``due`` plus the roster's
extension); past the grace period, every started day (or hour) counts. The record keeps the raw
score in ``extra.late.raw_score`` and its ``score`` becomes the final one, so every export
carries the final score; applying the policy again starts from the raw score (idempotent).
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader.config import ConfigError, CourseConfig
from grader.records import SubmissionRecord

PERIOD_HOURS = {"day": 24.0, "hour": 1.0}


@dataclass(frozen=True)
class LatePolicy:
    """``[grading.late]``."""

    grace_minutes: float = 0.0
    """Minutes after the deadline that still count as on time."""
    penalty_percent: float = 0.0
    """Percent of the points earned taken off per started period late."""
    per: str = "day"
    """The period: ``day`` or ``hour``."""
    max_penalty_percent: float = 100.0
    """Cap of the penalty, in percent."""
    no_credit_after_days: float | None = None
    """Work later than this many days after the deadline earns 0 (None: never)."""

    def describe(self) -> str:
        if not self.penalty_percent and self.no_credit_after_days is None:
            return "no late penalty"
        parts = [f"{self.penalty_percent:g}% per {self.per}"] if self.penalty_percent else []
        if self.penalty_percent and self.max_penalty_percent < 100:
            parts.append(f"at most {self.max_penalty_percent:g}%")
        if self.no_credit_after_days is not None:
            parts.append(f"no credit after {self.no_credit_after_days:g} days")
        if self.grace_minutes:
            parts.append(f"{self.grace_minutes:g} min grace")
        return ", ".join(parts)


_KEYS = {f.name for f in dataclasses.fields(LatePolicy)}


def _number(file: str, key: str, value, *, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{file}: grading.late.{key}: expected a number >= 0, got {value!r}")
    if upper is not None and value > upper:
        raise ConfigError(f"{file}: grading.late.{key}: at most {upper:g}, got {value!r}")
    return float(value)


def parse_late_policy(table, *, file: str = "course.toml") -> LatePolicy:
    """The policy from the ``[grading.late]`` table (a dict); ConfigError naming the key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: grading.late: expected a table")
    for key in table:
        if key not in _KEYS:
            raise ConfigError(f"{file}: grading.late.{key}: unknown key; known: {', '.join(sorted(_KEYS))}")
    per = table.get("per", "day")
    if per not in PERIOD_HOURS:
        raise ConfigError(f"{file}: grading.late.per: \"day\" or \"hour\", got {per!r}")
    after = table.get("no_credit_after_days")
    return LatePolicy(grace_minutes=_number(file, "grace_minutes", table.get("grace_minutes", 0)),
                      penalty_percent=_number(file, "penalty_percent", table.get("penalty_percent", 0), upper=100),
                      per=per,
                      max_penalty_percent=_number(file, "max_penalty_percent",
                                                  table.get("max_penalty_percent", 100), upper=100),
                      no_credit_after_days=None if after is None else _number(file, "no_credit_after_days", after))


def late_policy(course: CourseConfig) -> LatePolicy:
    """The course's policy (the default, no penalty, when course.toml has no ``[grading.late]``)."""
    data = tomllib.loads(course.path.read_text(encoding="utf-8"))
    table = data.get("grading", {}).get("late")
    return LatePolicy() if table is None else parse_late_policy(table, file=course.path.name)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time or nbgrader's ``2026-10-05 23:59:00.000000 UTC``; naive times are UTC
    (nbgrader's default timezone). ValueError when it is neither."""
    text = text.strip()
    if text.endswith((" UTC", " GMT")):
        text = text[:-4] + "+00:00"
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def read_timestamp(path: Path) -> datetime:
    """The time in an nbgrader ``timestamp.txt``; ValueError naming the file when it holds none."""
    try:
        return parse_time(Path(path).read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        raise ValueError(f"{path}: not a time (expected e.g. 2026-10-05 23:59:00 UTC)") from None


def format_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def apply_late(record: SubmissionRecord, *, submitted_at: datetime | None, due: datetime, policy: LatePolicy,
               extension_hours: float = 0.0, problem: str = "") -> SubmissionRecord:
    """``record`` with ``extra.late`` and its final score (submitted_at None: time unknown, no penalty)."""
    raw = float(record.extra.get("late", {}).get("raw_score", record.score))
    deadline = due + timedelta(hours=extension_hours)
    late: dict = {"raw_score": raw, "due": deadline.isoformat(), "extension_hours": extension_hours,
                  "policy": policy.describe()}
    final = raw
    if submitted_at is None:
        late.update(status="unknown", hours_late=0.0, penalty_percent=0.0,
                    note=problem or "no submission time (no timestamp.txt and no --submitted-at): graded as on time")
    else:
        hours = max(0.0, (submitted_at - deadline).total_seconds() / 3600.0)
        late.update(submitted_at=submitted_at.astimezone(timezone.utc).isoformat(), hours_late=round(hours, 2))
        if hours * 60.0 <= policy.grace_minutes:
            late.update(status="on_time", penalty_percent=0.0)
        else:
            percent = min(policy.max_penalty_percent,
                          math.ceil(hours / PERIOD_HOURS[policy.per] - 1e-9) * policy.penalty_percent)
            if policy.no_credit_after_days is not None and hours > policy.no_credit_after_days * 24.0:
                percent = 100.0
            late.update(status="late", penalty_percent=percent)
            final = raw * (1.0 - percent / 100.0)
    late["final_score"] = round(final, 6)
    return dataclasses.replace(record, score=round(final, 6), extra={**record.extra, "late": late})


def late_line(record: SubmissionRecord) -> str | None:
    """One line for the feedback: on time, late by how much and what it cost, or nothing."""
    late = record.extra.get("late")
    if not isinstance(late, dict) or "status" not in late:
        return None
    status = late["status"]
    extension = (f" (with an extension of {late['extension_hours']:g} h)"
                 if late.get("extension_hours") else "")
    if status == "unknown":
        return "Submission time unknown: graded as on time."
    when = format_time(parse_time(late["submitted_at"]))
    if status == "on_time":
        return f"Submitted {when}: on time{extension}."
    raw, final = late["raw_score"], late["final_score"]
    return (f"Submitted {when}, {late['hours_late']:g} h after the deadline{extension}: "
            f"late penalty {late['penalty_percent']:g}%, {final:.3g} points instead of {raw:.3g}.")
