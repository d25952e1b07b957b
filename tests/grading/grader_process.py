"""Run ``grade_batch`` in a grader process of its own, as ``course grade`` would, so that a test
can kill it, signal it, or give it an environment (fault injection) without touching its own."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_grader(bundle, paths: list[Path], out: Path, *, jobs: int = 2, env: dict | None = None,
                 isolation: str = "auto", **popen) -> subprocess.Popen:
    """``grade_batch(bundle, paths, out)`` in a new process; on a ``GradebookError``,
    ``OutputError`` or ``GradingInterrupted`` it prints the one-line message and exits 2 (130 +
    signal for an interruption), as the CLI does."""
    script = textwrap.dedent(f"""
        import pickle, sys
        from pathlib import Path
        from grader.errors import GradingInterrupted
        from grader.grading.batch import grade_batch
        from grader.grading.gradebook import GradebookError
        from grader.export.outputs import OutputError
        bundle = pickle.loads(bytes.fromhex({pickle.dumps(bundle).hex()!r}))
        try:
            result = grade_batch(bundle=bundle, paths=[Path(p) for p in {[str(p) for p in paths]!r}],
                                 out=Path({str(out)!r}), secret="s", jobs={jobs}, isolation={isolation!r})
        except (GradebookError, OutputError) as error:
            print("error:", error, file=sys.stderr)
            sys.exit(2)
        except GradingInterrupted as stop:
            print("error:", stop, file=sys.stderr)
            sys.exit(128 + stop.signum)
        print("graded", len(result.graded), "skipped", len(result.skipped), "grader_errors", len(result.grader_errors))
    """)
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` (pid -> start time), read from /proc."""
    from grader.worker.leftovers import start_time

    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                start = start_time(child)
                if start is not None and child not in found:
                    found[child] = start
                    frontier.append(child)
    return found


def still_running(processes: dict[int, str], *, within: float = 10.0) -> dict[int, bytes]:
    """Which of ``processes`` (pid -> start time) still run ``within`` seconds from now
    (pid -> command line); a reused pid, with another start time, does not count."""
    import time

    from grader.worker.leftovers import start_time

    deadline = time.monotonic() + within
    while True:
        alive = [pid for pid, start in processes.items() if start_time(pid) == start]
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    found = {}
    for pid in alive:
        try:
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()[:120]
        except OSError:
            pass
    return found
