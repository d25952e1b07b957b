"""``course collect``: Canvas and Moodle bulk downloads (real zips with odd names) and a plain
folder become an nbgrader submitted/ tree; every file is accounted for."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.lifecycle.collect import CollectError, collect
from grader.lifecycle.late import read_timestamp
from grader.lifecycle.lms_names import parse_member
from grader.lifecycle.roster import RosterError, read_roster
from tests.lifecycle.helpers import write_roster, write_zip

ROOT = Path(__file__).resolve().parents[2]
SLUG = "01_activations"
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def test_member_names_by_convention():
    canvas = parse_member("hoppergrace_LATE_456_9003_my notebook (final)-2.ipynb")
    assert (canvas.convention, canvas.key, canvas.name, canvas.file, canvas.flagged_late) == (
        "canvas", "456", "hoppergrace", "my notebook (final).ipynb", True)
    moodle = parse_member("Ada Lovelace_5551_assignsubmission_file_/sub dir/01_activations.ipynb")
    assert (moodle.convention, moodle.key, moodle.name, moodle.file) == ("moodle", "5551", "Ada Lovelace",
                                                                          "sub dir/01_activations.ipynb")
    flat_moodle = parse_member("Ada Lovelace_5551_assignsubmission_file_01_activations.ipynb")
    assert (flat_moodle.key, flat_moodle.file) == ("5551", "01_activations.ipynb")
    assert parse_member("Alan Turing_5553_assignsubmission_onlinetext_onlinetext.html").plugin == "onlinetext"
    plain = parse_member("grace@uni.example.ipynb")
    assert (plain.convention, plain.key) == ("plain", "grace@uni.example")


def test_canvas_zip(tmp_path):
    roster = read_roster(write_roster(tmp_path))
    early, late = datetime(2026, 10, 5, 10, 0, tzinfo=timezone.utc), datetime(2026, 10, 5, 20, 30, tzinfo=timezone.utc)
    download = write_zip(tmp_path / "submissions.zip", {
        "lovelaceada_123_9001_01_activations.ipynb": (NB + b" ", early),
        "lovelaceada_123_9001_01_activations-1.ipynb": (NB, late),
        "hoppergrace_LATE_456_9003_my notebook (final).ipynb": (NB, (2026, 10, 8, 9, 15, 0)),
        "turingalan_789_9004_notes.pdf": (b"%PDF-1.4", early),
        "müllerjörg_999_9005_hw.ipynb": (NB, early),
        "__MACOSX/._lovelaceada_123_9001_01_activations.ipynb": (b"\0", early),
    })
    out = tmp_path / "submitted"
    report = collect(slug=SLUG, source=download, roster=roster, out=out, archive_timezone="Europe/Berlin")
    assert [(s, f.member) for s, f in report.collected] == [
        ("ada", "lovelaceada_123_9001_01_activations-1.ipynb"),  # the latest of two
        ("grace", "hoppergrace_LATE_456_9003_my notebook (final).ipynb")]  # no canvas_id: matched by name
    assert [(s, f.member) for s, f in report.superseded] == [("ada", "lovelaceada_123_9001_01_activations.ipynb")]
    assert [(s, f.member) for s, f in report.not_notebooks] == [("alan", "turingalan_789_9004_notes.pdf")]
    assert [f.member for f, _ in report.unmatched] == ["müllerjörg_999_9005_hw.ipynb"]
    assert "not on the roster" in report.unmatched[0][1]
    assert [m for m, _ in report.ignored] == ["__MACOSX/._lovelaceada_123_9001_01_activations.ipynb"]
    assert report.flagged_late == ["grace"] and report.missing == ["alan"]
    assert (out / "ada" / SLUG / f"{SLUG}.ipynb").read_bytes() == NB
    assert read_timestamp(out / "ada" / SLUG / "timestamp.txt") == late  # the zip's UTC stamp
    # a DOS time without a UTC stamp is read in --archive-timezone (CEST is UTC+2 in October)
    assert read_timestamp(out / "grace" / SLUG / "timestamp.txt") == datetime(2026, 10, 8, 7, 15, tzinfo=timezone.utc)
    assert (out / "ada" / SLUG / "timestamp.txt").read_text().endswith(" UTC\n")
    assert sorted(p.name for p in out.iterdir()) == ["ada", "grace"]


def test_moodle_zip_with_folders(tmp_path):
    roster = read_roster(write_roster(tmp_path))
    when = datetime(2026, 10, 5, 12, 0, tzinfo=timezone.utc)
    download = write_zip(tmp_path / "moodle.zip", {
        "Ada Lovelace_5551_assignsubmission_file_/01_activations.ipynb": (NB, when),
        "Grace Hopper_77_assignsubmission_file_/attempt 2/Kopie von 01_activations.ipynb": (NB, when),
        "Alan Turing_5553_assignsubmission_onlinetext_/onlinetext.html": (b"<p>see attached</p>", when),
        "Jörg Müller_5554_assignsubmission_file_/x.ipynb": (NB, when),
    })
    report = collect(slug=SLUG, source=download, roster=roster, out=tmp_path / "submitted")
    assert [s for s, _ in report.collected] == ["ada", "grace"]  # grace by her name (no moodle_id)
    assert [s for s, _ in report.not_notebooks] == ["alan"]
    assert [f.name.key for f, _ in report.unmatched] == ["5554"]


def test_plain_folder_and_the_cli_report(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    (folder / "ada.ipynb").write_bytes(NB)
    (folder / "grace@uni.example.ipynb").write_bytes(NB)
    (folder / "alan.py").write_text("def relu_forward(x):\n    return x, x\n")
    (folder / "README.txt").write_text("hello")
    roster = write_roster(tmp_path)
    result = CliRunner().invoke(app, ["collect", SLUG, str(folder), "--roster", str(roster), "--out",
                                      str(tmp_path / "submitted"), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 0, result.output
    assert "collected ada: ada.ipynb" in result.output and "collected grace: grace@uni.example.ipynb" in result.output
    assert "unmatched: README.txt: 'README': not on the roster" in result.output
    assert "3 collected" in result.output and "1 unmatched" in result.output
    assert (tmp_path / "submitted" / "alan" / SLUG / f"{SLUG}.py").exists()


def test_bad_input_is_one_line(tmp_path):
    runner = CliRunner()
    roster = write_roster(tmp_path)
    (tmp_path / "not.zip").write_bytes(b"nope")
    result = runner.invoke(app, ["collect", SLUG, str(tmp_path / "not.zip"), "--roster", str(roster),
                                 "--out", str(tmp_path / "s"), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 2 and "not a zip archive or a folder" in result.output
    result = runner.invoke(app, ["collect", SLUG, str(tmp_path), "--roster", str(roster),
                                 "--out", str(ROOT / "reference" / "x"), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 2 and "inside the course's reference/ folder" in result.output
    assert not (ROOT / "reference" / "x").exists()
    with pytest.raises(CollectError, match="inside the download"):
        collect(slug=SLUG, source=tmp_path, roster=read_roster(roster), out=tmp_path / "submitted")
    with pytest.raises(CollectError, match="not a time zone"):
        collect(slug=SLUG, source=tmp_path, roster=read_roster(roster), out=tmp_path / "s", archive_timezone="Mars/Base")


@pytest.mark.parametrize("text, message", [
    ("student_id,extention_days\nada,2\n", "unknown column 'extention_days' \\(did you mean extension_days\\?\\)"),
    ("name\nAda\n", "no student_id column"),
    ("student_id\nada\nada\n", "row 3: student_id 'ada' is already on row 2"),
    ("student_id,extension_hours\nada,soon\n", "row 2, extension_hours: expected a number"),
])
def test_roster_errors(tmp_path, text, message):
    with pytest.raises(RosterError, match=message):
        read_roster(write_roster(tmp_path, text))


def test_hostile_names_are_printed_plainly(tmp_path):
    download = write_zip(tmp_path / "d.zip", {"evil\x1b[2J\nname.ipynb": (NB, (2026, 10, 5, 10, 0, 0))})
    result = CliRunner().invoke(app, ["collect", SLUG, str(download), "--roster", str(write_roster(tmp_path)),
                                      "--out", str(tmp_path / "s"), "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 0 and "\x1b" not in result.output
    assert "unmatched: evil\\x1b[2J\\nname.ipynb: " in result.output
