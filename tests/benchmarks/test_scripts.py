"""Each grading benchmark runs end to end on two submissions (the figures come from full runs,
never from here): the scripts stay runnable, and what they compare is graded as expected.
(benchmarks/dask_scaling.py is left out: its check, the same records on 1 and 2 Dask workers as
on the local pool, is tests/grading/test_dask.py's.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_grading_benchmark_reports_time_statuses_and_memory():
    out = _run("grading.py", "--count", "2", "--crashers", "0", "--sleepers", "0", "--jobs", "1")
    assert re.search(r"--jobs 1: +[\d.]+ s total, +[\d.]+ s per submission", out), out
    assert "statuses {'graded': 2}" in out and re.search(r"grader memory: .*peak \d+ MiB", out), out


@pytest.mark.slow
def test_vs_nbgrader_grades_the_same_submissions_with_both_tools():
    out = _run("vs_nbgrader.py", "--assignments", "02_backprop", "--count", "2", "--repeats", "1")
    pattern = r"(\w+) ([\d.]+/[\d.]+) and ([\d.]+/[\d.]+)"
    scores = {kind: (theirs, ours) for kind, theirs, ours in re.findall(pattern, out)}
    full = [score.split("/") for score in scores["complete"]]
    assert all(got == most and float(most) > 0 for got, most in full), out  # full marks from both tools
    assert all(score.startswith("0/") for score in scores["untouched"]), out
    # Two submissions on a busy machine may not separate start-up from each one's cost: the
    # script must then say so, never print a negative time or ratio.
    assert re.search(r"course grade --jobs 1 is x[\d.]+ nbgrader autograde over 2 submissions, "
                     r"(x[\d.]+ per submission after the first|per submission after the first: not measurable)",
                     out), out
    assert not re.search(r"x-|after it: .*-[\d.]+ s", out), out
    assert re.search(r"one submission alone: nbgrader +[\d.]+ s, course grade +[\d.]+ s", out), out
