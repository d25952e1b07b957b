"""What pytest's private ``runtestprotocol(item, log=False)`` saves over the public hook
``item.ihook.pytest_runtest_protocol(item=..., nextitem=...)`` in a suite session, and what
running each test directly (``grader.suite.direct``, when the suite qualifies) saves over both:
the grader process's CPU seconds per submission, each way, alternating, on the same submissions.

The session uses the private call (pytest pinned in pyproject.toml, its API checked by
tests/grading/test_pytest_private_api.py), or the direct run; these are the figures those
decisions rest on.

    .venv/bin/python benchmarks/suite_session.py [--assignment 01_activations] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import grader.suite.session as session_module
from grader.build.pipeline import build_course
from grader.bundle import AssignmentBundle
from grader.config import load_course
from grader.grading.discover import discover
from grader.grading.submission import grade_submission, open_suite_session
from grader.samples import write_samples

ROOT = Path(__file__).resolve().parents[1]
PRIVATE = session_module.runtestprotocol


def public_protocol(item, log, nextitem):
    """What pytest's own test loop calls: the public hook, with its log hooks."""
    item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
    return []


def grader_cpu_per_submission(bundle, submissions, protocol, *, direct: bool = False) -> float:
    session_module.runtestprotocol = protocol
    session = open_suite_session(bundle, direct=direct)
    try:
        start = time.process_time()  # this process only: the workers' time is the same both ways
        for submission in submissions:
            grade_submission(submission, bundle, secret="benchmark", suite=session)
        return (time.process_time() - start) / len(submissions)
    finally:
        session.close()
        session_module.runtestprotocol = PRIVATE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_activations")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    course = load_course(ROOT / "course.toml")
    with tempfile.TemporaryDirectory(prefix="nnf-bench-session-") as tmp:
        build = Path(tmp) / "build"
        build_course(course, slugs=(args.assignment,), out=build)
        submitted = Path(tmp) / "submitted"
        write_samples(built=build, assignment_folder=course.assignment(args.assignment).folder,
                      slug=args.assignment, out=submitted)
        submissions = discover([submitted], args.assignment)
        bundle = AssignmentBundle.load(build / "autograder" / args.assignment)
        private, public, direct = [], [], []
        for _ in range(args.rounds):  # alternating: a busy machine slows all alike
            private.append(grader_cpu_per_submission(bundle, submissions, PRIVATE))
            public.append(grader_cpu_per_submission(bundle, submissions, public_protocol))
            direct.append(grader_cpu_per_submission(bundle, submissions, PRIVATE, direct=True))
    p, q, d = statistics.median(private), statistics.median(public), statistics.median(direct)
    print(f"{args.assignment}: {len(submissions)} submissions x {args.rounds} rounds, grader-process CPU per submission")
    print(f"  runtestprotocol(log=False) (private): {p * 1000:7.1f} ms")
    print(f"  pytest_runtest_protocol hook (public): {q * 1000:7.1f} ms")
    print(f"  public / private: {q / p:.2f}x")
    print(f"  each test called directly (where the suite qualifies): {d * 1000:7.1f} ms, private / direct: {p / d:.2f}x")


if __name__ == "__main__":
    main()
