"""`course grade --jobs 1` against real `nbgrader autograde`, at equal cores, on the same
submissions. nbgrader grades an nbgrader-native variant of each assignment: the build's source
notebook with every solution cell an autograded answer and every visible check cell an
autograder test cell carrying its task's points (the cell raises unless each of its checks
printed PASS), experiments kept as students have them (``--variants no-experiments`` drops
them, ``native,no-experiments`` runs both). Submissions: the sample students (complete,
untouched, partial, buggy) in turn, made from nbgrader's own release of that variant, so both
tools grade the same files. Each repetition runs nbgrader's and our command alternately, each
as a whole command over all N submissions (--force: every one graded again); printed per submission:
wall seconds, and CPU seconds of the command's whole process tree (a busy machine inflates
wall time, not CPU), then the median ratio nbgrader / ours. Each repetition also runs both
commands on the first submission alone: (N submissions - 1 alone) / (N - 1) is what each
submission after the first costs, start-up (paid once per command by both) taken out.

    .venv/bin/python benchmarks/vs_nbgrader.py [--assignments 02_backprop,06_cnn] [--count 8]
        [--repeats 3] [--variants native]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import ROOT, CpuMeter, build_assignment, load_average, sample_notebooks  # noqa: E402

BIN = Path(sys.executable).parent
SUPPORT_FILES = ("nnf_checks.py", "expected.npz")
CHECK_PREFIX = "import nnf_checks as _nnf_checks\n_nnf_checks._SINK.append([])\n"
CHECK_SUFFIX = ("\n_nnf_lines = _nnf_checks._SINK.pop()\nprint('\\n'.join(_nnf_lines))\n"
                "assert _nnf_lines and all(line.startswith('PASS') for line in _nnf_lines), '\\n'.join(_nnf_lines)\n")


def _nnf(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nnf", {})


def native_source(source: dict, task_points: dict[str, float], *, experiments: bool) -> dict:
    """The source notebook with nbgrader-native grading: solution cells autograded answers,
    each task's visible check cells autograder tests sharing its points."""
    nb = copy.deepcopy(source)
    if not experiments:
        nb["cells"] = [c for c in nb["cells"] if _nnf(c).get("kind") != "experiment"]
    checks: dict[str, list[dict]] = {}
    for cell in nb["cells"]:
        meta = _nnf(cell)
        if meta.get("kind") == "solution":
            cell["metadata"]["nbgrader"].update(grade=False, solution=True, locked=False)
            cell["metadata"]["nbgrader"].pop("points", None)
        elif meta.get("kind") == "check" and meta.get("task") in task_points:
            checks.setdefault(meta["task"], []).append(cell)
    for task, cells in checks.items():
        for cell in cells:
            cell["source"] = CHECK_PREFIX + "".join(cell["source"]) + CHECK_SUFFIX
            cell["metadata"]["nbgrader"].update(grade=True, solution=False, locked=True,
                                                points=task_points[task] / len(cells))
    return nb


def _filled(release: dict, sample: dict) -> dict:
    """nbgrader's release with each solution cell's source taken from the sample student's."""
    answers = {_nnf(c)["task"]: c["source"] for c in sample["cells"] if _nnf(c).get("kind") == "solution"}
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        task = _nnf(cell).get("task") if _nnf(cell).get("kind") == "solution" else None
        if task in answers:
            cell["source"] = answers[task]
    return nb


METER: CpuMeter | None = None
"""Counts the CPU time of every process the benchmark starts (set in main)."""


def _run(command: list, cwd: Path, *, ok: tuple[int, ...] = (0,)) -> tuple[float, float | None]:
    """(wall seconds, CPU seconds of the command's whole process tree, or None where this
    machine gives no cpuacct cgroup to count them in)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic
    cpu_before, start = METER.read() if METER else None, time.perf_counter()
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, env=env)
    wall, cpu_after = time.perf_counter() - start, METER.read() if METER else None
    if done.returncode not in ok:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (cpu_after - cpu_before) if cpu_after is not None and cpu_before is not None else None


def prepare(slug: str, variant: str, tmp: Path, count: int) -> tuple[Path, list[str]]:
    """An nbgrader course folder with the variant generated and ``count`` submissions; the
    kinds of the students in order."""
    build = tmp / "build"
    if not (build / "autograder" / slug).is_dir():
        build_assignment(slug, build)
    manifest = json.loads((build / "autograder" / slug / "manifest.json").read_text())
    points = {t["name"]: float(t["points"]) for t in manifest["tasks"]}
    course = tmp / f"nbgrader-{slug}-{variant}"
    source_dir = course / "source" / slug
    source_dir.mkdir(parents=True)
    source = json.loads((build / "source" / slug / f"{slug}.ipynb").read_text())
    (source_dir / f"{slug}.ipynb").write_text(json.dumps(native_source(source, points,
                                                                       experiments=variant == "native")))
    for name in SUPPORT_FILES:
        shutil.copy(build / "source" / slug / name, source_dir / name)
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "bench"\n')
    _run([BIN / "nbgrader", "generate_assignment", slug, "--force"], course)
    release = json.loads((course / "release" / slug / f"{slug}.ipynb").read_text())
    samples = sample_notebooks(build, slug)
    kinds = [list(samples)[i % len(samples)] for i in range(count)]
    for i, kind in enumerate(kinds):
        folder = course / "submitted" / f"s{i:03d}" / slug
        folder.mkdir(parents=True)
        (folder / f"{slug}.ipynb").write_text(json.dumps(_filled(release, samples[kind])))
        for name in SUPPORT_FILES:
            shutil.copy(build / "release" / slug / name, folder / name)
    return course, kinds


def nbgrader_scores(course: Path, slug: str, students: int) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        found = [book.find_submission(slug, f"s{i:03d}") for i in range(students)]
        return [f"{s.score:g}/{s.max_score:g}" for s in found]


def our_scores(out: Path, slug: str, students: int) -> list[str]:
    records = [json.loads((out / slug / f"s{i:03d}" / "record.json").read_text()) for i in range(students)]
    return [f"{r['score']:g}/{r['max_score']:g}" for r in records]


def _our_command(slug: str, submissions: Path, out: Path) -> list:
    return [BIN / "course", "grade", slug, submissions, "--jobs", "1", "--force", "--out", out,
            "--config", ROOT / "course.toml"]


def compare(slug: str, variant: str, tmp: Path, *, count: int, repeats: int) -> tuple[float, float | None]:
    """(median ratio of whole commands over ``count`` submissions, median ratio of the cost of
    each submission after the first: start-up, which both commands pay once, taken out; None
    when no repetition could measure it)."""
    course, kinds = prepare(slug, variant, tmp, count)
    nbgrader = [BIN / "nbgrader", "autograde", slug, "--force"]
    ours = _our_command(slug, course / "submitted", tmp / "ours")
    one = tmp / f"one-{slug}-{variant}"
    shutil.copytree(course / "submitted" / "s000", one / "s000")
    nbgrader_one = [*nbgrader, "--student", "s000"]
    ours_one = _our_command(slug, one, tmp / "ours-one")
    ratios, extra_ratios = [], []
    for repeat in range(repeats):
        shutil.rmtree(course / "autograded", ignore_errors=True)
        theirs_wall, theirs_cpu = _run(nbgrader, course)
        ours_wall, ours_cpu = _run(ours, tmp, ok=(0, 1))  # 1: a finished batch with grader errors
        theirs_first, _ = _run(nbgrader_one, course)
        ours_first, _ = _run(ours_one, tmp, ok=(0, 1))
        ratios.append(theirs_wall / ours_wall)
        theirs_extra, ours_extra = ((wall - first) / (count - 1) for wall, first in
                                    ((theirs_wall, theirs_first), (ours_wall, ours_first)))
        # With few submissions on a busy machine one alone can take longer than all of them:
        # then this repetition measured noise, not a cost, and gives no ratio.
        measured = theirs_extra > 0 and ours_extra > 0
        if measured:
            extra_ratios.append(theirs_extra / ours_extra)
        cpu = (f"({theirs_cpu / count:5.2f} CPU s)", f"({ours_cpu / count:5.2f} CPU s)",
               f", x{theirs_cpu / ours_cpu:.1f} (CPU)") if ours_cpu else ("", "", "")
        print(f"  {slug} {variant} #{repeat + 1}: nbgrader {theirs_wall / count:6.2f} s {cpu[0]}, "
              f"course grade --jobs 1 {ours_wall / count:6.2f} s {cpu[1]} per submission; "
              f"x{ratios[-1]:.1f} (wall){cpu[2]}; load average {load_average()}", flush=True)
        after = (f"each one after it: nbgrader {theirs_extra:5.2f} s, course grade {ours_extra:5.3f} s, "
                 f"x{extra_ratios[-1]:.1f}" if measured else
                 "each one after it: not measurable in this repetition (one submission alone took at least as "
                 "long as all of them: the machine's noise exceeds the cost; use a larger --count)")
        print(f"    one submission alone: nbgrader {theirs_first:5.2f} s, course grade {ours_first:5.2f} s; {after}",
              flush=True)
    theirs, mine = nbgrader_scores(course, slug, count), our_scores(tmp / "ours", slug, count)
    print("  scores by kind (nbgrader's points are its visible checks', ours the hidden suite's): " + ", ".join(
        f"{kind} {t} and {m}" for kind, t, m in sorted(set(zip(kinds, theirs, mine)))))
    return statistics.median(ratios), statistics.median(extra_ratios) if extra_ratios else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default="02_backprop,06_cnn")
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", default="native", help="native, no-experiments, or both comma-separated")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.count} submissions per command; {args.repeats} alternating repetitions; "
          f"load average {load_average()}")
    global METER
    METER = CpuMeter()
    summary = []
    try:
        grade_all(args, summary)
    finally:
        METER.close()
    print("\n".join(summary))


def grade_all(args, summary: list[str]) -> None:
    for slug in args.assignments.split(","):
        with tempfile.TemporaryDirectory(prefix="nnf-bench-nbgrader-") as tmp:
            for variant in args.variants.split(","):
                ratio, extra_ratio = compare(slug, variant, Path(tmp), count=args.count, repeats=args.repeats)
                after = (f"x{extra_ratio:.1f} per submission after the first" if extra_ratio is not None else
                         "per submission after the first: not measurable at this --count")
                summary.append(f"{slug} ({variant}): course grade --jobs 1 is x{ratio:.1f} nbgrader autograde "
                               f"over {args.count} submissions, {after} (median wall ratios)")


if __name__ == "__main__":
    main()
