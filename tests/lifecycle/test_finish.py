"""The finisher: the submission time from timestamp.txt or --submitted-at, the roster's
extension, and the development secret written into the record."""

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grader.errors import BadArguments
from grader.grading.discover import Submission
from grader.cli import parse_submitted_at as submission_time
from grader.lifecycle.finish import RecordFinisher
from grader.lifecycle.late import LatePolicy
from grader.lifecycle.roster import read_roster
from tests.lifecycle.helpers import write_roster
from tests.lifecycle.test_late import record

DUE = datetime(2026, 10, 5, 22, 0, tzinfo=timezone.utc)
POLICY = LatePolicy(penalty_percent=50, per="day")


def submission(tmp_path, stamp=None):
    folder = tmp_path / "submitted" / "grace" / "01_activations"
    folder.mkdir(parents=True)
    (folder / "01_activations.ipynb").write_text("{}")
    if stamp is not None:
        (folder / "timestamp.txt").write_text(stamp)
    return Submission("grace", "01_activations", folder / "01_activations.ipynb")


def test_timestamp_extension_and_secret(tmp_path):
    roster = read_roster(write_roster(tmp_path))  # grace: extension_days = 2
    sub = submission(tmp_path, "2026-10-06 22:00:00.000000 UTC")
    grace = dataclasses.replace(record(), student="grace")
    finished = RecordFinisher(due=DUE, policy=POLICY, development_secret=True).apply(sub, grace)
    assert finished.extra["late"]["status"] == "late" and finished.score == 4.0
    assert finished.extra["development_secret"] is True
    extended = RecordFinisher(due=DUE, policy=POLICY, roster=roster).apply(sub, finished)
    assert extended.extra["late"]["status"] == "on_time" and extended.score == 8.0
    assert "development_secret" not in extended.extra
    flag = RecordFinisher(due=DUE, policy=POLICY, submitted_at=datetime(2026, 10, 5, 21, 0, tzinfo=timezone.utc))
    assert flag.apply(sub, grace).extra["late"]["status"] == "on_time"


def test_an_unreadable_timestamp_is_noted_not_fatal(tmp_path):
    finished = RecordFinisher(due=DUE, policy=POLICY).apply(submission(tmp_path, "last tuesday"), record())
    assert finished.extra["late"]["status"] == "unknown" and "timestamp.txt unreadable" in finished.extra["late"]["note"]
    assert finished.score == 8.0


def test_reusable_only_with_the_same_kind_of_secret():
    finisher = RecordFinisher(due=DUE, policy=POLICY, development_secret=False)
    assert finisher.reusable(record())
    dev = RecordFinisher(due=DUE, policy=POLICY, development_secret=True)
    assert not finisher.reusable(dev.apply(Submission("ada", "x", Path("/nonexistent/a.ipynb")), record()))


def test_submitted_at_option():
    assert submission_time("2026-10-06T10:00+02:00") == datetime(2026, 10, 6, 8, 0, tzinfo=timezone.utc)
    assert submission_time(None) is None
    with pytest.raises(BadArguments, match="--submitted-at 'noon'"):
        submission_time("noon")
