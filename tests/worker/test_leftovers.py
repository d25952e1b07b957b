"""A grader killed outright leaves worker folders and cgroups; the next batch removes them,
and nothing that belongs to a running grader."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.worker import leftovers
from grader.worker.client import Worker
from grader.worker.tracking import Cgroups, cgroup_parents
from tests.worker.helpers import chunks


def _folder(root: Path, name: str, owner: str | None, age: float = 0.0) -> Path:
    folder = root / f"{leftovers.PREFIX}{name}"
    (folder / "scratch").mkdir(parents=True)
    (folder / "scratch" / "locked.txt").write_text("x")
    os.chmod(folder / "scratch", 0o500)  # what a student may do to its scratch
    if owner is not None:
        (folder / leftovers.OWNER_FILE).write_text(owner)
    stamp = time.time() - age
    os.utime(folder, (stamp, stamp))
    return folder


def _dead_owner() -> str:
    """The owner line of a process that has exited."""
    code = "import os; from grader.worker.leftovers import start_time; print(os.getpid(), start_time(os.getpid()))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_folders_of_dead_graders_go_and_live_or_young_ones_stay(tmp_path):
    dead = _folder(tmp_path, "dead", _dead_owner())
    reused_pid = _folder(tmp_path, "reused", f"{os.getpid()} 1\n")  # our pid, another start time
    mine = tmp_path / f"{leftovers.PREFIX}mine"
    mine.mkdir()
    leftovers.claim(mine)
    young = _folder(tmp_path, "young-unclaimed", None)
    old = _folder(tmp_path, "old-unclaimed", None, age=2 * leftovers.UNCLAIMED_AGE)
    other = tmp_path / "not-a-worker"
    other.mkdir()
    removed = leftovers.sweep_folders(tmp_path)
    assert sorted(removed) == sorted([dead, reused_pid, old])
    assert not dead.exists() and not reused_pid.exists() and not old.exists()
    assert mine.exists() and young.exists() and other.exists()


def test_a_symlink_named_like_a_worker_folder_is_never_followed(tmp_path):
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    (tmp_path / f"{leftovers.PREFIX}link").symlink_to(target)
    leftovers.sweep_folders(tmp_path, unclaimed_age=0)
    assert (target / "keep.txt").read_text() == "keep"


def test_a_worker_claims_its_folder_while_it_lives(tmp_path):
    worker = Worker(chunks("x = 1"), temp_root=tmp_path)
    with worker:
        folders = list(tmp_path.glob(f"{leftovers.PREFIX}*"))
        assert len(folders) == 1 and (folders[0] / leftovers.OWNER_FILE).exists()
        assert leftovers.sweep_folders(tmp_path, unclaimed_age=0) == []
    assert list(tmp_path.glob(f"{leftovers.PREFIX}*")) == []


def test_empty_old_worker_cgroups_go_and_busy_ones_stay():
    """In a cgroup of the test's own: a sweep of the real ones, with no minimum age, could take
    the fresh, still empty cgroup of a worker another test is starting."""
    made = Cgroups.create(f"{leftovers.PREFIX}placement-test", 16)
    if not made.directories:
        pytest.fail("cannot create cgroups here, so worker cgroups are never left over either")
    assert all(d.parent in cgroup_parents() for d in made.directories)
    made.remove()
    parents = [parent / f"nnf-leftovers-test-{os.getpid()}" for parent in cgroup_parents()]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for parent in parents:
            (parent / f"{leftovers.PREFIX}empty").mkdir(parents=True)
            (parent / f"{leftovers.PREFIX}busy").mkdir()
            (parent / f"{leftovers.PREFIX}busy" / "cgroup.procs").write_text(str(sleeper.pid))
        assert leftovers.sweep_cgroups(parents, min_age=3600) == []  # all too young
        removed = leftovers.sweep_cgroups(parents, min_age=0)
        assert sorted(removed) == sorted(parent / f"{leftovers.PREFIX}empty" for parent in parents)
        assert all((parent / f"{leftovers.PREFIX}busy").exists() for parent in parents)
    finally:
        sleeper.kill()
        sleeper.wait()
        for parent in parents:
            for group in (parent / f"{leftovers.PREFIX}busy", parent / f"{leftovers.PREFIX}empty", parent):
                Cgroups._remove(group)


def test_without_a_start_time_the_pid_alone_decides(tmp_path):
    """Where /proc is missing, a claim has no start time; a running pid keeps its folder."""
    mine = _folder(tmp_path, "no-proc-mine", f"{os.getpid()} None\n")
    gone = _folder(tmp_path, "no-proc-gone", f"{_dead_owner().split()[0]} None\n")
    assert leftovers.sweep_folders(tmp_path) == [gone]
    assert mine.exists()
