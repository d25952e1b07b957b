"""Limits you can trust at scale: N submissions of one assignment, a share of them hostile
(crashers, sleepers, memory and fork bombs, output floods, parent killers, hostile text), graded
in one batch; then the honest ones graded again without the hostile ones. Prints the wall time,
the counts per status, and whether every honest record is the same in both runs.

    .venv/bin/python benchmarks/hostile_batch.py [--assignment 01_activations] [--count 1000]
        [--hostile-share 0.05] [--jobs 2] [--isolation auto]
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import tempfile
import time
from pathlib import Path

from grader.grading.batch import grade_batch
from grader.build.pipeline import build_course
from grader.config import load_course
from grader.bundle import AssignmentBundle

ROOT = Path(__file__).resolve().parents[1]

# Each attack is appended to a complete, correct solution: what it breaks is all it may cost.
ATTACKS = {
    "crash_at_import": "import os\nos.kill(os.getpid(), 9)\n",
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


def _solution_source(build: Path, slug: str) -> str:
    """The reference solution as a percent-format .py: every code cell of the source notebook."""
    import nbformat

    notebook = nbformat.read(build / "source" / slug / f"{slug}.ipynb", as_version=4)
    return "".join(f"# %%\n{cell.source}\n\n" for cell in notebook.cells if cell.cell_type == "code")


def population(folder: Path, build: Path, slug: str, *, count: int, hostile_share: float) -> tuple[Path, Path]:
    """``count`` submissions in ``folder/all`` (the honest ones also in ``folder/honest``): the
    reference solution, the self-test alternatives and mutants in turn, and every 1/share-th
    one an attack, in turn."""
    solution = _solution_source(build, slug)
    selftest = ROOT / "assignments" / slug / "selftest"
    honest_sources = [solution] + [p.read_text() for p in sorted(selftest.glob("*/*.py"))]
    every = max(1, round(1 / hostile_share)) if hostile_share > 0 else 0
    everyone, honest = folder / "all", folder / "honest"
    everyone.mkdir(parents=True)
    honest.mkdir()
    attacks = list(ATTACKS.items())
    for i in range(count):
        if every and i % every == every - 1:
            name, code = attacks[(i // every) % len(attacks)]
            (everyone / f"s{i:04d}_{name}.py").write_text(solution + "\n# %%\n" + code)
        else:
            path = everyone / f"s{i:04d}.py"
            path.write_text(honest_sources[i % len(honest_sources)])
            shutil.copy(path, honest / path.name)
    return everyone, honest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_activations")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--hostile-share", type=float, default=0.05)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--isolation", default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnf-hostile-batch-") as tmp_name:
        tmp = Path(tmp_name)
        build_course(load_course(ROOT / "course.toml"), slugs=[args.assignment], out=tmp / "build")
        bundle = AssignmentBundle.load(tmp / "build" / "autograder" / args.assignment)
        everyone, honest = population(tmp / "subs", tmp / "build", args.assignment, count=args.count,
                                      hostile_share=args.hostile_share)
        start = time.perf_counter()
        mixed = grade_batch(bundle=bundle, paths=[everyone], out=tmp / "mixed", secret="benchmark", jobs=args.jobs,
                            isolation=args.isolation)
        mixed_seconds = time.perf_counter() - start
        start = time.perf_counter()
        alone = grade_batch(bundle=bundle, paths=[honest], out=tmp / "alone", secret="benchmark", jobs=args.jobs,
                            isolation=args.isolation)
        alone_seconds = time.perf_counter() - start

        def plain(record):
            return {k: v for k, v in json.loads(record.to_json()).items() if k != "extra"}

        by_student = {r.student: r for r in mixed.records}
        differing = [r.student for r in alone.records if plain(by_student[r.student]) != plain(r)]
        statuses = collections.Counter(r.status for r in mixed.records)
        hostile = [r for r in mixed.records if not (honest / f"{r.student}.py").exists()]
        print(f"{args.assignment}: {len(mixed.records)} submissions ({len(hostile)} hostile), --jobs {args.jobs}, "
              f"isolation {args.isolation}")
        print(f"mixed batch: {mixed_seconds:.1f} s ({mixed_seconds / len(mixed.records):.3f} s per submission); "
              f"statuses {dict(statuses)}")
        print(f"honest only: {alone_seconds:.1f} s for {len(alone.records)}")
        print("hostile scores: " + ", ".join(f"{r.student}={r.score:g}/{r.max_score:g}" for r in hostile[:len(ATTACKS)]))
        print(f"honest records equal to the honest-only batch: {len(alone.records) - len(differing)} of "
              f"{len(alone.records)}" + (f"; differing: {differing[:10]}" if differing else ""))


if __name__ == "__main__":
    main()
