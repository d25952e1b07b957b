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
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import ATTACKS, ROOT, build_assignment, solution_source  # noqa: E402
from grader.grading.batch import grade_batch  # noqa: E402


def population(folder: Path, build: Path, slug: str, *, count: int, hostile_share: float) -> tuple[Path, Path]:
    """``count`` submissions in ``folder/all`` (the honest ones also in ``folder/honest``): the
    reference solution, the self-test alternatives and mutants in turn, and every 1/share-th
    one an attack, in turn."""
    solution = solution_source(build, slug)
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
        bundle = build_assignment(args.assignment, tmp / "build")
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
