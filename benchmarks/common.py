"""What the benchmarks share: the machine's BLAS/thread configuration, printed and never
changed; alternating timed runs (ours and torch's interleave, so a busy machine slows both
alike); and, for the grading benchmarks, a built assignment and populations of submissions
(the sample students of ``grader.samples``, and hostile ones: crashers, sleepers, bombs)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CPUACCT = Path("/sys/fs/cgroup/cpuacct")

ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def print_config(torch=None) -> None:
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs")
    for var in ENV_VARS:
        print(f"  {var}={os.environ.get(var, '(unset)')}")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        print(f"  blas: {blas.get('name')} {blas.get('version')} (threadpoolctl not installed: threads unknown)")
    else:
        for pool in threadpool_info():
            print(f"  {pool['user_api']}: {pool['internal_api']} {pool.get('version')} "
                  f"arch={pool.get('architecture')} threads={pool['num_threads']}")
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads")


def timings_ms(fns, repeats: int) -> list[tuple[float, float]]:
    """Run each function once per round, ``repeats`` rounds; (median, min) time of each, in ms."""
    times = [[] for _ in fns]
    for fn in fns:  # warm-up: first-call allocations and torch's kernel selection
        fn()
    for _ in range(repeats):
        for fn, bucket in zip(fns, times):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return [(1e3 * statistics.median(bucket), 1e3 * min(bucket)) for bucket in times]


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: other sessions share its cores."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def build_assignment(slug: str, out: Path):
    """Build one assignment of the course into ``out``; its ``AssignmentBundle``."""
    from grader.build.pipeline import build_course
    from grader.config import load_course
    from grader.bundle import AssignmentBundle

    build_course(load_course(ROOT / "course.toml"), slugs=[slug], out=out)
    return AssignmentBundle.load(out / "autograder" / slug)


# Each attack is appended to a complete, correct solution: what it breaks is all it may cost.
ATTACKS = {
    # In a class body: the grader runs only a cell's definitions, so a bare top-level kill never runs.
    "crash_at_import": "import os\nclass CrashAtLoad:\n    os.kill(os.getpid(), 9)\n",
    "crash_in_calls": "import os\n_real_tanh = tanh_forward\ndef tanh_forward(x):\n    os.kill(os.getpid(), 9)\n",
    "sleeper": "import time\ndef tanh_forward(x):\n    time.sleep(1000)\n",
    "busy_loop": "def sigmoid_forward(x):\n    while True:\n        pass\n",
    "memory_bomb": "def tanh_forward(x):\n    hog = []\n    while True:\n        hog.append(bytearray(50 * 2**20))\n",
    "fork_bomb": ("import os\ndef tanh_forward(x):\n    while True:\n        try:\n            os.fork()\n"
                  "        except OSError:\n            pass\n"),
    "output_flood": "import sys\nfor _ in range(20000):\n    print('spam' * 100)\n    sys.stderr.write('more' * 100)\n",
    "kill_parent": "import os, signal\ndef tanh_forward(x):\n    os.kill(os.getppid(), signal.SIGKILL)\n    os.killpg(0, signal.SIGKILL)\n",
    "hostile_text": "def tanh_forward(x):\n    raise RuntimeError('\\ud800 <script>alert(1)</script> \\x1b[2J \\u202e =1+2')\n",
    "class_body_crasher": "".join(f"# %%\nclass K{i}:\n    import os; os.kill(os.getpid(), 9)\n\n" for i in range(30)),
}
"""Attacks on 01_activations (they redefine its functions); on another assignment the crashers
still crash, the rest merely break a function it does not have."""


def solution_source(build: Path, slug: str) -> str:
    """The reference solution as a percent-format .py: every code cell of the source notebook."""
    import nbformat

    notebook = nbformat.read(build / "source" / slug / f"{slug}.ipynb", as_version=4)
    return "".join(f"# %%\n{cell.source}\n\n" for cell in notebook.cells if cell.cell_type == "code")


def sample_notebooks(build: Path, slug: str, *, buggy: int = 4) -> dict[str, dict]:
    """The sample students of ``grader.samples`` (complete, untouched, partial, buggy-<mutant>),
    as notebook JSON by kind."""
    from grader.samples import write_samples

    with tempfile.TemporaryDirectory(prefix="nnf-bench-samples-") as tmp:
        kinds = write_samples(built=build, assignment_folder=ROOT / "assignments" / slug, slug=slug,
                              out=Path(tmp), buggy=buggy)
        return {kind: json.loads((Path(tmp) / kind / slug / f"{slug}.ipynb").read_text()) for kind in kinds}


def mixed_population(folder: Path, build: Path, slug: str, *, count: int, crashers: int = 0,
                     sleepers: int = 0) -> dict[str, int]:
    """``count`` submissions in ``folder``: the sample students in turn (complete, untouched,
    partial, each buggy one), every one distinct (its copy number in the notebook's metadata),
    with ``crashers`` and ``sleepers`` spread evenly among them (the solution plus
    ``crash_at_import`` / ``crash_in_calls``, or ``sleeper``). Returns the count of each kind."""
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = sample_notebooks(build, slug)
    crash_kinds = [("crash_at_import", "crash_in_calls")[k % 2] for k in range(crashers)]
    hostile = _interleave(crash_kinds, ["sleeper"] * sleepers)
    every = count // len(hostile) if hostile else 0
    hostile_at = {every * k + every // 2: name for k, name in enumerate(hostile)}
    solution = solution_source(build, slug) if hostile_at else ""
    kinds = itertools.cycle(notebooks)
    counts: dict[str, int] = {}
    for i in range(count):
        if i in hostile_at:
            kind = hostile_at[i]
            # An assignment, not a comment: Jupytext reads "# copy 1" as a commented-out magic and
            # uncomments it, and the cell would no longer parse.
            (folder / f"s{i:04d}.py").write_text(f"{solution}\n# %%\nnnf_benchmark_copy = {i}\n{ATTACKS[kind]}")
        else:
            kind = next(kinds)
            notebook = dict(notebooks[kind], metadata={**notebooks[kind]["metadata"], "nnf_benchmark_copy": i})
            (folder / f"s{i:04d}.ipynb").write_text(json.dumps(notebook))
        counts[kind.partition("-")[0]] = counts.get(kind.partition("-")[0], 0) + 1
    return counts


def _interleave(first: list, second: list) -> list:
    merged = []
    for a, b in itertools.zip_longest(first, second):
        merged += [x for x in (a, b) if x is not None]
    return merged


class PeakMemory:
    """This process's resident memory, sampled as a batch goes on: ``mark(done)`` after each
    submission; ``curve`` gives the RSS at 10 %, 50 % and 100 % of the batch, ``peak`` the
    kernel's high-water mark (VmHWM)."""

    def __init__(self, total: int):
        self.total = total
        self.samples: dict[int, float] = {}
        try:  # from here on: the high-water mark starts again at the current RSS (Linux >= 4.0)
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass

    @staticmethod
    def _status(field: str) -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def mark(self, done: int) -> None:
        self.samples[done] = self._status("VmRSS")

    @property
    def peak(self) -> float:
        return self._status("VmHWM")

    def curve(self) -> str:
        if not self.samples:
            return "no samples"
        points = []
        for share in (0.1, 0.5, 1.0):
            done = min(self.samples, key=lambda d: abs(d - share * self.total))
            points.append(f"{self.samples[done]:.0f} MiB after {done}")
        return ", ".join(points)


class CpuMeter:
    """CPU nanoseconds used by this process and every process it starts from now on (they
    inherit its cgroup, sandboxed workers included; the worker cgroups are pids/unified only)."""

    def __init__(self):
        self.usage = None
        self.home = _own_cpuacct_group()
        self.group = CPUACCT / f"nnf-benchmark-{os.getpid()}"
        if self.home is None:
            return
        try:
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
            self.usage = self.group / "cpuacct.usage"
        except OSError:
            pass

    def read(self) -> float | None:
        """CPU seconds so far, or None where there is no cpuacct cgroup to use."""
        return int(self.usage.read_text()) / 1e9 if self.usage else None

    def close(self) -> None:
        """Move this process and what is left of its children (the fork server) back home, and
        remove the group."""
        if self.usage is None:
            return
        with contextlib.suppress(OSError):
            for pid in (self.group / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    (self.home / "cgroup.procs").write_text(pid)
            self.group.rmdir()


def _own_cpuacct_group() -> Path | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if "cpuacct" in controllers.split(",") and CPUACCT.is_dir():
                return CPUACCT / path.lstrip("/")
    return None
