"""Late work: the policy of course.toml applied to a record, its feedback line, its errors."""

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grader.config import ConfigError, load_course
from grader.export.feedback import feedback_html, feedback_markdown
from grader.lifecycle.late import LatePolicy, apply_late, late_line, parse_late_policy, parse_time
from grader.records import SubmissionRecord, TestResult

DUE = datetime(2026, 10, 5, 23, 59, tzinfo=timezone(timedelta(hours=2)))


def record(score=8.0):
    return SubmissionRecord(student="ada", assignment="01_activations", submission_sha256="0" * 64,
                            submission_file="a.ipynb", status="graded", score=score, max_score=10.0,
                            tests=(TestResult(name="t", task="f", score=score, max_score=10.0, status="passed"),))


def late_by(hours, policy, **kwargs):
    return apply_late(record(), submitted_at=DUE + timedelta(hours=hours), due=DUE, policy=policy, **kwargs)


TEN_PER_DAY = LatePolicy(grace_minutes=15, penalty_percent=10, per="day", max_penalty_percent=30,
                         no_credit_after_days=7)


@pytest.mark.parametrize("hours, status, percent, final", [
    (-1.0, "on_time", 0, 8.0),
    (0.2, "on_time", 0, 8.0),           # within 15 minutes of grace
    (0.3, "late", 10, 7.2),             # past grace: the first started day
    (24.0, "late", 10, 7.2),            # exactly one day
    (24.1, "late", 20, 6.4),            # the second day has started
    (100.0, "late", 30, 5.6),           # five days, capped at 30%
    (7 * 24 + 1, "late", 100, 0.0),     # no credit after 7 days
])
def test_policy_per_day(hours, status, percent, final):
    late = late_by(hours, TEN_PER_DAY)
    info = late.extra["late"]
    assert (info["status"], info["penalty_percent"], info["final_score"]) == (status, percent, pytest.approx(final))
    assert late.score == pytest.approx(final) and info["raw_score"] == 8.0
    assert info["hours_late"] == pytest.approx(max(0.0, hours), abs=0.01)


def test_per_hour_and_the_extension_moves_the_deadline():
    policy = LatePolicy(penalty_percent=5, per="hour")
    assert late_by(2.5, policy).extra["late"]["penalty_percent"] == 15
    extended = late_by(30, policy, extension_hours=48)
    assert extended.extra["late"]["status"] == "on_time" and extended.score == 8.0
    assert extended.extra["late"]["due"] == (DUE + timedelta(hours=48)).isoformat()
    assert "with an extension of 48 h" in late_line(extended)


def test_applying_twice_starts_from_the_raw_score():
    once = late_by(30, TEN_PER_DAY)
    twice = apply_late(once, submitted_at=DUE + timedelta(hours=30), due=DUE, policy=TEN_PER_DAY)
    assert twice.to_json() == once.to_json()
    on_time_now = apply_late(once, submitted_at=DUE, due=DUE, policy=TEN_PER_DAY)
    assert on_time_now.score == 8.0


def test_unknown_time_costs_nothing_and_says_so():
    unknown = apply_late(record(), submitted_at=None, due=DUE, policy=TEN_PER_DAY)
    assert unknown.score == 8.0 and unknown.extra["late"]["status"] == "unknown"
    assert late_line(unknown) == "Submission time unknown: graded as on time."


def test_feedback_says_it_in_one_line_and_old_records_have_none():
    late = late_by(30, TEN_PER_DAY)
    line = late_line(late)
    assert line == ("Submitted 2026-10-07 03:59 UTC, 30 h after the deadline: late penalty 20%, "
                    "6.4 points instead of 8.")
    markdown = feedback_markdown(late, title="Activations")
    assert f"**Score:** 6.4 / 10  \n**Late work:** {line}\n" in markdown
    assert "Late work:" in feedback_html(late) and late_line(record()) is None
    assert "Late work" not in feedback_markdown(record())
    assert SubmissionRecord.from_json(late.to_json()) == late


@pytest.mark.parametrize("table, message", [
    ({"penalty_percent": -1}, "grading.late.penalty_percent: expected a number >= 0"),
    ({"penalty_percent": 120}, "grading.late.penalty_percent: at most 100"),
    ({"per": "week"}, "grading.late.per"),
    ({"grace": 5}, "grading.late.grace: unknown key"),
    ({"no_credit_after_days": "7"}, "no_credit_after_days: expected a number"),
])
def test_bad_policies_name_the_key(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_late_policy(table)


def test_times_nbgrader_iso_and_naive():
    assert parse_time("2026-10-05 21:59:00.000000 UTC") == DUE
    assert parse_time("2026-10-05T23:59:00+02:00") == DUE
    assert parse_time("2026-10-05T21:59:00Z") == DUE
    assert parse_time("2026-10-05 21:59") == DUE  # naive: UTC, as nbgrader's default
    with pytest.raises(ValueError):
        parse_time("yesterday")


def test_course_toml_with_a_bad_policy_fails_to_load(tmp_path):
    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "course.toml", tmp_path / "course.toml")
    (tmp_path / "assignments").symlink_to(root / "assignments")
    with (tmp_path / "course.toml").open("a") as toml:
        toml.write('\n[grading.late]\nper = "fortnight"\n')
    with pytest.raises(ConfigError, match="course.toml: grading.late.per"):
        load_course(tmp_path / "course.toml")
