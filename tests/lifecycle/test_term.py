"""A term, as an instructor types it, in a temporary copy of the course: new -> build -> selftest
-> release -> collect (a Canvas zip with odd names) -> grade (a late and an extended student)
-> export. Also the safety rails: the development secret's warning and record flag."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from grader.selftest.run import selftest
from grader.config import load_course
from grader.lifecycle.release import release
from tests.lifecycle.helpers import write_roster, write_zip

ROOT = Path(__file__).resolve().parents[2]
# `course new` numbers a new assignment after the course's last one.
NEXT = max(int(a.slug[:2]) for a in load_course(ROOT / "course.toml").assignments) + 1
SLUG = f"{NEXT:02d}_attention"
COURSE = Path(sys.executable).parent / "course"
LATE_POLICY = "\n[grading.late]\ngrace_minutes = 10\npenalty_percent = 10\nper = \"day\"\nmax_penalty_percent = 50\n"
ROSTER = """student_id,name,canvas_id,sis_user_id,sis_login_id,section,extension_days
ada,Ada Lovelace,123,S001,ada,A,
grace,Grace Hopper,456,S002,grace,A,2
alan,Alan Turing,789,S003,alan,B,
"""
ANSWERS = {"ada": "def relu_forward(x):\n    return np.maximum(x, 0.0), x\n",
           "grace": "def relu_forward(x):\n    return np.where(x > 0, x, 0.0), x\n",
           "alan": "def relu_forward(x):\n    out = x.copy()\n    out[out < 0] = 0\n    return out, x\n"}


def run(*args, cwd, env=None):
    environ = {k: v for k, v in os.environ.items() if k != "NNF_COURSE_SECRET"}
    return subprocess.run([str(COURSE), *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**environ, "COLUMNS": "200", **(env or {})})


@pytest.fixture
def course_copy(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course.toml", course)
    shutil.copytree(ROOT / "assignments", course / "assignments")
    return course


def student_notebook(release_zip: Path, code: str) -> bytes:
    with zipfile.ZipFile(release_zip) as archive:
        nb = nbformat.reads(archive.read(f"{SLUG}/{SLUG}.ipynb").decode(), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nnf", {}).get("kind") == "solution")
    cell.source = code
    return nbformat.writes(nb).encode()


@pytest.mark.slow
def test_new_then_build_and_selftest_pass_at_once(course_copy):
    result = run("new", "attention", "--title", "Attention", cwd=course_copy)
    assert result.returncode == 0, result.stderr
    assert f"created assignments/{SLUG}/{SLUG}.py" in result.stdout
    build = run("build", SLUG, "--out", "out/build", cwd=course_copy)
    assert build.returncode == 0, build.stderr
    outcomes = selftest(assignments=[SLUG], config=course_copy / "course.toml", jobs=1)
    assert [o.case.name.split(":")[0] for o in outcomes] == ["reference", "release", "mutant", "alternative",
                                                             "fake", "fake", "fake", "fake", "contract", "contract",
                                                             "contract"]
    assert all(o.ok for o in outcomes), [o.reasons for o in outcomes]
    again = run("new", f"{NEXT:02d}_other", cwd=course_copy)
    assert again.returncode == 2 and f"already used by {SLUG}" in again.stderr
    bad = run("new", "Bad Name!", cwd=course_copy)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_term(course_copy, tmp_path):
    assert run("new", "attention", "--due", "2026-11-30T23:59:00+01:00", cwd=course_copy).returncode == 0
    with (course_copy / "course.toml").open("a") as toml:
        toml.write(LATE_POLICY)
    # release: the same bytes twice; what students get
    first = release(slug=SLUG, config=course_copy / "course.toml", out=tmp_path / "releases")
    data = first.read_bytes()
    assert release(slug=SLUG, config=course_copy / "course.toml", out=tmp_path / "releases").read_bytes() == data
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        readme = archive.read(f"{SLUG}/README.md").decode()
    assert {f"{SLUG}/{SLUG}.ipynb", f"{SLUG}/nnf_checks.py", f"{SLUG}/expected.npz", f"{SLUG}/README.md"} <= set(names)
    assert not any("checks.py" == Path(n).name or "test_" in n for n in names)
    assert "2026-11-30 22:59 UTC" in readme and "10% per day, at most 50%, 10 min grace" in readme
    # students hand in on Canvas; the instructor downloads the zip
    due = datetime(2026, 11, 30, 22, 59, tzinfo=timezone.utc)
    on_time = due.replace(hour=12)
    day_late = datetime(2026, 12, 1, 23, 0, tzinfo=timezone.utc)  # 24 h 1 min late: two started days
    download = write_zip(tmp_path / "submissions.zip", {
        f"lovelaceada_123_501_{SLUG}.ipynb": (student_notebook(first, ANSWERS["ada"]), on_time),
        f"hoppergrace_LATE_456_502_{NEXT:02d} attention (Kopie 1)-1.ipynb": (student_notebook(first, ANSWERS["grace"]), day_late),
        f"turingalan_LATE_789_503_{SLUG}.ipynb": (student_notebook(first, ANSWERS["alan"]), day_late),
        "turingalan_LATE_789_503_scratch.txt": (b"notes", day_late),
    })
    roster = write_roster(tmp_path, ROSTER)
    collected = run("collect", SLUG, str(download), "--roster", str(roster), "--out", "submitted", cwd=course_copy)
    assert collected.returncode == 0, collected.stderr
    assert "3 collected" in collected.stdout and "not a notebook alan: turingalan_LATE_789_503_scratch.txt" in collected.stdout
    # grade with the committed secret: a warning, and the records say so
    graded = run("grade", SLUG, "submitted", "--out", "grades", "--roster", str(roster), "--jobs", "1", cwd=course_copy)
    assert graded.returncode == 0, graded.stderr
    assert "NNF_COURSE_SECRET" in graded.stderr and "development secret" in graded.stderr
    records = {s: json.loads((course_copy / "grades" / SLUG / s / "record.json").read_text()) for s in ANSWERS}
    late = {s: r["extra"]["late"] for s, r in records.items()}
    assert (late["ada"]["status"], records["ada"]["score"]) == ("on_time", 1.0)
    assert (late["grace"]["status"], late["grace"]["extension_hours"], records["grace"]["score"]) == ("on_time", 48.0, 1.0)
    assert (late["alan"]["status"], late["alan"]["penalty_percent"], late["alan"]["raw_score"]) == ("late", 20.0, 1.0)
    assert records["alan"]["score"] == pytest.approx(0.8) and late["alan"]["hours_late"] == pytest.approx(24.02)
    assert all(r["extra"]["development_secret"] is True for r in records.values())
    feedback = (course_copy / "grades" / SLUG / "alan" / "feedback.md").read_text()
    assert "**Late work:** Submitted 2026-12-01 23:00 UTC, 24.02 h after the deadline: late penalty 20%" in feedback
    assert f"alan,{SLUG},0.8,1,graded" in (course_copy / "grades" / SLUG / "gradebook.csv").read_text()
    # export for Canvas: the final scores
    exported = run("export", SLUG, "--format", "canvas", "--roster", str(roster), "--grades", "grades", cwd=course_copy)
    assert exported.returncode == 0, exported.stderr
    canvas = (course_copy / "grades" / SLUG / "export-canvas.csv").read_text().splitlines()
    assert canvas[0] == "Student,ID,SIS User ID,SIS Login ID,Section,Attention"
    assert canvas[2:] == ["Ada Lovelace,123,S001,ada,A,1", "Grace Hopper,456,S002,grace,A,1", "Alan Turing,789,S003,alan,B,0.8"]
    # a real secret: no warning, and what the public secret graded is graded again
    real = run("grade", SLUG, "submitted", "--out", "grades", "--roster", str(roster), "--jobs", "1", cwd=course_copy,
               env={"NNF_COURSE_SECRET": "a-private-value"})
    assert real.returncode == 0, real.stderr
    assert "NNF_COURSE_SECRET" not in real.stderr and "3 graded, 0 unchanged" in real.stdout
    record = json.loads((course_copy / "grades" / SLUG / "alan" / "record.json").read_text())
    assert "development_secret" not in record["extra"] and record["score"] == pytest.approx(0.8)
    # outputs never go among the sources
    refused = run("grade", SLUG, "submitted", "--out", f"assignments/{SLUG}/grades", cwd=course_copy)
    assert refused.returncode == 2 and "inside the course's assignments/ folder" in refused.stderr
    assert not (course_copy / "assignments" / SLUG / "grades").exists()
