"""Shared by tests/selftest/test_hidden_suites.py: one pytest case per self-test case of an assignment.

    cases_for(slug) -> [SelfTestCase, ...]          from assignments/<slug>/selftest/ and the fakes
    check_case(build_dir, slug, case)               grades the case; fails when it is graded wrong
"""

from pathlib import Path

from grader.bundle import AssignmentBundle
from grader.selftest.cases import SelfTestCase, cases, run_case

ROOT = Path(__file__).resolve().parents[2]


def cases_for(slug: str) -> list[SelfTestCase]:
    return cases(ROOT / "assignments" / slug)


def check_case(built: Path, slug: str, case: SelfTestCase) -> None:
    bundle = AssignmentBundle.load(built / "autograder" / slug)
    outcome = run_case(case, bundle=bundle, source_notebook=built / "source" / slug / f"{slug}.ipynb",
                       release_notebook=built / "release" / slug / f"{slug}.ipynb")
    assert not outcome.record.extra.get("suite_problems"), outcome.record.extra["suite_problems"]
    assert outcome.ok, f"{case.name} ({case.description}): " + "; ".join(outcome.reasons)
