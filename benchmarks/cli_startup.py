"""``course --help``: how long the command line takes to answer, against a bare interpreter and
an interpreter that only imports typer, measured in the same run (alternating). Target: under
0.3 s wall on a quiet machine; CPU seconds are given too, as they hold on a busy one.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]

(Run with another tree's .venv/bin/python to measure that tree's ``course``.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "course --help": [str(BIN / "course"), "--help"],
}


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    samples = {name: [] for name in COMMANDS}
    for name, cmd in COMMANDS.items():  # warm the page cache
        timed(cmd)
    for _ in range(args.runs):
        for name, cmd in COMMANDS.items():
            samples[name].append(timed(cmd))
    base = statistics.median(w for w, _ in samples["python -c pass"])
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.2f}")
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {name:<28} wall {wall:6.3f} s  cpu {cpu:6.3f} s  ({wall / base:4.1f}x bare python)")
    help_wall = statistics.median(w for w, _ in samples["course --help"])
    help_cpu = statistics.median(c for _, c in samples["course --help"])
    # On a busy machine the wall time waits for a core; the CPU time is what the command costs.
    print(f"course --help against the 0.3 s target: wall {'under' if help_wall < 0.3 else 'OVER'}, "
          f"cpu {'under' if help_cpu < 0.3 else 'OVER'}")


if __name__ == "__main__":
    main()
