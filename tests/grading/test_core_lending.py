"""A grading process lends its core while its student sleeps: the CPU measure it relies on, the
lending itself, and a batch that grades on while one submission sleeps through its time limit."""

import dataclasses
import multiprocessing
import subprocess
import sys
import time

import pytest

from grader.grading.batch import grade_batch
from grader.worker import core_lending
from tests.small_bundle import small_bundle

SPIN = "import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass\n"
# The parent sleeps and its two children do the work: the measure must include descendants
# (two, so that the tree stays busy while the test's own machine is).
PARENT_OF = ("import subprocess, sys, time\n"
             "for _ in range(2):\n    subprocess.Popen([sys.executable, '-c', {child!r}])\n"
             "time.sleep(30)\n")


@pytest.fixture
def process_tree():
    started = []

    def start(code: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", code])
        started.append(process)
        return process

    yield start
    for process in started:
        subprocess.run(["pkill", "-KILL", "-P", str(process.pid)], check=False)
        process.kill()
        process.wait()


@pytest.fixture
def lent_cores():
    counter = multiprocessing.Value("i", 0)
    core_lending.install(counter)
    yield counter
    core_lending.install(None)


def _cpu_over(pid: int, seconds: float) -> float:
    before = core_lending.tree_cpu_seconds(pid)
    time.sleep(seconds)
    return core_lending.tree_cpu_seconds(pid) - before


def test_tree_cpu_counts_a_working_grandchild_and_not_a_sleeper(process_tree):
    worker = process_tree(PARENT_OF.format(child=SPIN.format(seconds=30)))
    sleeper = process_tree("import time\ntime.sleep(30)\n")
    time.sleep(0.5)  # the child is started
    assert _cpu_over(worker.pid, 1.0) > 0.3
    assert _cpu_over(sleeper.pid, 1.0) < 0.1


def test_tree_cpu_of_a_process_that_is_gone_is_none(process_tree):
    gone = process_tree("pass")
    gone.wait()
    assert core_lending.tree_cpu_seconds(gone.pid) is None


def _look_for(wait: core_lending.Wait, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        wait.look()
        time.sleep(0.02)


def test_a_wait_on_a_sleeping_student_lends_its_core_and_takes_it_back_at_the_end(process_tree, lent_cores):
    sleeper = process_tree("import time\ntime.sleep(30)\n")
    with core_lending.Wait(sleeper.pid) as wait:
        wait.look()
        assert lent_cores.value == 0  # not before WAIT_BEFORE_LENDING: most calls take milliseconds
        _look_for(wait, core_lending.WAIT_BEFORE_LENDING + 3 * core_lending.LOOK_EVERY)
        assert lent_cores.value == 1
    assert lent_cores.value == 0


def test_a_wait_on_a_computing_student_keeps_its_core(process_tree, lent_cores):
    worker = process_tree(PARENT_OF.format(child=SPIN.format(seconds=30)))
    time.sleep(0.5)
    with core_lending.Wait(worker.pid) as wait:
        _look_for(wait, 1.0)
        assert lent_cores.value == 0


def test_without_a_counter_nothing_is_lent(process_tree):
    sleeper = process_tree("import time\ntime.sleep(30)\n")
    with core_lending.Wait(sleeper.pid) as wait:
        _look_for(wait, 0.6)
        assert not wait.lent


SUITE = '''
import pytest


@pytest.mark.task01_relu_forward
def test_relu(student, ref, rng, expect):
    x = rng.standard_normal((3, 5))
    expect(student.relu_forward(x)[0], ref.relu_forward(x)[0])
'''

SLEEPER = "import time\n\ndef relu_forward(x):\n    time.sleep(1000)\n"
CALL_LIMIT = 6.0


@pytest.mark.slow
def test_one_job_grades_the_others_while_a_submission_sleeps_through_its_limit(tmp_path):
    built = tmp_path / "build"
    bundle = small_bundle(built, SUITE, ("relu_forward",))
    bundle = dataclasses.replace(bundle, limits=dataclasses.replace(bundle.limits, call_timeout_seconds=CALL_LIMIT))
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "a_sleeper.py").write_text(SLEEPER)  # first in line
    solution = built / "source" / "01_activations" / "01_activations.ipynb"
    for name in ("b", "c", "d", "e"):
        (folder / f"{name}.ipynb").write_bytes(solution.read_bytes())
    finished = []

    result = grade_batch(bundle=bundle, paths=[folder], out=tmp_path / "out", secret="s", jobs=1,
                         on_progress=lambda student, record: finished.append(student))

    full = bundle.task_points["relu_forward"]
    assert {r.student: r.score for r in result.records} == {"a_sleeper": 0.0, "b": full, "c": full, "d": full,
                                                           "e": full}
    sleeper = next(r for r in result.records if r.student == "a_sleeper")
    assert [t.status for t in sleeper.tests] == ["timeout"]  # it still got its whole limit
    # One job, yet the four others were graded on the core the sleeper left idle.
    assert finished[-1] == "a_sleeper", finished
