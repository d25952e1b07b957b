"""Hostile and broken submissions, graded in one batch beside an honest student (issue 6).

Every attacker implements relu_forward correctly and attacks through tanh_forward or at
module level. Each must get the honest score (relu's points, not tanh's), a clear reason, and
leave the batch, the other students' records, the repository and the bundle untouched, with no
process left behind and the secret never echoed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from grader.grading.batch import grade_batch
from tests.small_bundle import RELU_TANH_SUITE, small_bundle

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-for-the-hostile-batch"

RELU = '''
import numpy as np

def relu_forward(x):
    return np.maximum(x, 0), x
'''

# name -> (module code after RELU, words the tanh feedback or the problems must contain)
ATTACKS = {
    "patch_numpy": ("np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
                    "def tanh_forward(x):\n    return x * 0 + 7, None\n", "wrong values"),
    "patch_builtins": ("import builtins\nbuiltins.abs = lambda v: 0\nbuiltins.isinstance = lambda *a: True\n"
                       "def tanh_forward(x):\n    return x, None\n", "wrong values"),
    "lying_object": ("class Liar:\n    def __eq__(self, other): return True\n    def __array__(self, *a, **k): return np.zeros(1)\n"
                     "    def __float__(self): return 0.0\n"
                     "def tanh_forward(x):\n    return Liar(), None\n", ""),
    "ndarray_subclass": ("class Sly(np.ndarray):\n    def __eq__(self, other): return np.ones(self.shape, bool)\n"
                         "def tanh_forward(x):\n    return (x * 3).view(Sly), None\n", "wrong values"),
    "reduce_payload": ("import os\nclass Boom:\n    def __reduce__(self):\n        return (os.system, ('touch /tmp/nnf-pwned',))\n"
                       "def tanh_forward(x):\n    return Boom(), None\n", ""),
    "huge_return": ("def tanh_forward(x):\n    return np.zeros((20000, 20000)), None\n", ""),
    "deep_return": ("def tanh_forward(x):\n    v = []\n    for _ in range(100000):\n        v = [v]\n    return v, None\n", ""),
    "wrong_type": ("def tanh_forward(x):\n    return 'tanh', None\n", "str"),
    "sys_exit": ("import sys\ndef tanh_forward(x):\n    sys.exit(0)\n", "SystemExit"),
    "os_exit": ("import os\ndef tanh_forward(x):\n    os._exit(0)\n", "died"),
    "base_exception": ("def tanh_forward(x):\n    raise BaseException('nope')\n", "BaseException"),
    "keyboard_interrupt": ("def tanh_forward(x):\n    raise KeyboardInterrupt\n", "KeyboardInterrupt"),
    "ignore_sigterm_loop": ("import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                            "def tanh_forward(x):\n    while True:\n        pass\n", "too long"),
    "loop_catching_interrupt": ("def tanh_forward(x):\n    while True:\n        try:\n            while True:\n                pass\n"
                                "        except BaseException:\n            pass\n", "too long"),
    "sleep": ("import time\ndef tanh_forward(x):\n    time.sleep(1000)\n", "too long"),
    "memory_bomb": ("def tanh_forward(x):\n    hog = []\n    while True:\n        hog.append(bytearray(50 * 2**20))\n", ""),
    "fork_burst": ("import os\ndef tanh_forward(x):\n    for _ in range(40):\n        try:\n            if os.fork() == 0:\n"
                   "                import time; time.sleep(600); os._exit(0)\n        except OSError:\n            break\n"
                   "    return np.tanh(x) * 2, None\n", "2 times too large"),
    "background_daemon": ("import os, subprocess, sys\n"
                          "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True,\n"
                          "                 env={'NNF_DAEMON': '1'})\n"
                          "def tanh_forward(x):\n    return np.tanh(x), None\n", ""),
    "output_flood": ("import sys\ndef tanh_forward(x):\n    for _ in range(20000):\n        print('spam' * 100)\n"
                     "        sys.stderr.write('more' * 100)\n    return np.tanh(x), None\n", ""),
    "kill_parent": ("import os, signal\ndef tanh_forward(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n"
                    "    os.killpg(0, signal.SIGKILL)\n    return np.tanh(x), None\n", ""),
    "read_secrets": (f"import glob\ndef tanh_forward(x):\n    found = []\n"
                     f"    for path in glob.glob({str(ROOT)!r} + '/**', recursive=True)[:2000] + ['/proc/1/environ']:\n"
                     "        try:\n            found.append(open(path, errors='replace').read())\n        except Exception:\n            pass\n"
                     "    raise RuntimeError(' '.join(found)[:5000])\n", ""),
    # Writes and deletes aim at DECOY, a copy of the course made by the fixture: were isolation
    # ever broken, this test must not destroy a developer's working tree.
    "tamper_files": ("import os, shutil\ndef tanh_forward(x):\n"
                     "    for target in ['DECOY/reference/activations.py', 'DECOY/course.toml']:\n"
                     "        try:\n            open(target, 'a').write('# pwned')\n        except Exception:\n            pass\n"
                     "    shutil.rmtree('DECOY/assignments', ignore_errors=True)\n"
                     "    return np.tanh(x), None\n", ""),
    "import_reference": ("def tanh_forward(x):\n    import reference.activations as r\n    return r.tanh_forward(x)\n",
                         "ModuleNotFoundError"),
    "del_numpy": ("def tanh_forward(x):\n    return np.tanh(x), None\ndel np\n", "NameError"),
}


def _tree_digest(paths: list[Path]) -> dict[str, str]:
    digests = {}
    for base in paths:
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _daemons() -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if b"NNF_DAEMON=1" in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    bundle = small_bundle(tmp / "build", RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    folder = bundle.suite_dir.parent
    bundle = dataclasses.replace(bundle, limits=dataclasses.replace(
        bundle.limits, call_timeout_seconds=2.0, memory_mb=1024, max_processes=16))
    subs = tmp / "subs"
    subs.mkdir()
    (subs / "honest.py").write_text(RELU + "\ndef tanh_forward(x):\n    return np.tanh(x), x\n")
    (subs / "shell_escape.ipynb").write_text(_notebook_with_magics())
    decoy = tmp / "decoy"
    shutil.copytree(ROOT / "reference", decoy / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments", decoy / "assignments", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "course.toml", decoy / "course.toml")
    for name, (code, _) in ATTACKS.items():
        (subs / f"{name}.py").write_text(RELU + "\n" + code.replace("DECOY", str(decoy)))
    watched = [decoy, folder, subs]
    before = _tree_digest(watched)
    # Namespace isolation, never the process fallback: these attacks are only safe to run, and
    # only expected to fail, inside the sandbox.
    result = grade_batch(bundle=bundle, paths=[subs], out=tmp / "out", secret=SECRET, jobs=2,
                         isolation="namespace")
    return {"result": result, "records": {r.student: r for r in result.records}, "bundle": bundle,
            "before": before, "after": _tree_digest(watched), "out": tmp / "out"}


def _notebook_with_magics() -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(RELU),
        nbformat.v4.new_code_cell("!touch /tmp/nnf-shell-escape-ran\n%run something.py\n"
                                  "get_ipython().input_transformers_post.append(lambda lines: lines)\n"
                                  "def tanh_forward(x):\n    return np.tanh(x), None\n"),
    ]
    return nbformat.writes(nb)


def test_batch_completes_with_every_student(batch):
    assert set(batch["records"]) == {"honest", "shell_escape", *ATTACKS}


def test_honest_student_gets_full_marks(batch):
    assert batch["records"]["honest"].score == batch["records"]["honest"].max_score


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attacker_gets_the_honest_score_and_a_reason(batch, attack):
    record = batch["records"][attack]
    scores = {t.task: t.score for t in record.tests}
    tanh = next(t for t in record.tests if t.task == "tanh_forward")
    relu_survives = attack not in {"del_numpy", "kill_parent"}
    if relu_survives:
        assert scores["relu_forward"] == batch["bundle"].task_points["relu_forward"], record.tests
    honest_tanh = attack in {"background_daemon", "output_flood", "tamper_files"}
    if honest_tanh:
        assert tanh.status == "passed", tanh
    else:
        assert tanh.score == 0 and tanh.status != "passed", tanh
        assert tanh.output, "a failing test says why"
    words = ATTACKS[attack][1]
    if words:
        text = " ".join([tanh.output, *record.problems]).lower()
        assert words.lower() in text, (tanh.output, record.problems)


def test_no_file_outside_the_scratch_changed(batch):
    changed = {k for k in batch["before"] if batch["before"][k] != batch["after"].get(k)}
    assert changed == set() and set(batch["after"]) == set(batch["before"])
    assert not Path("/tmp/nnf-pwned").exists()
    assert not Path("/tmp/nnf-shell-escape-ran").exists()


def test_shell_escapes_never_run_and_are_reported(batch):
    record = batch["records"]["shell_escape"]
    assert record.score == record.max_score
    assert any("shell" in p.lower() or "magic" in p.lower() or "ipython" in p.lower() for p in record.problems)


def test_secret_never_reaches_any_output(batch):
    for path in batch["out"].rglob("*"):
        if path.is_file() and path.suffix in {".json", ".md", ".html", ".csv"}:
            assert SECRET not in path.read_text(errors="replace"), path


def _orphaned_workers() -> list[int]:
    """Worker processes (or their forks) whose grader is gone: reparented to init."""
    orphans = []
    for pid in subprocess.run(["pgrep", "-f", "nnf-worker"], capture_output=True, text=True).stdout.split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        ppid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        if ppid == 1:
            orphans.append(int(pid))
    return orphans


def test_no_process_of_any_submission_survives(batch):
    assert _daemons() == []
    assert _orphaned_workers() == []
