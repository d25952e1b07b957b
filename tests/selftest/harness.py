"""Shared by tests/selftest/test_<slug>.py: one pytest case per self-test case of an assignment.

    @pytest.mark.parametrize("case", cases_for("02_backprop"), ids=case_id)
    def test_hidden_suite_grades_right(built_course, case):
        check_case(built_course, "02_backprop", case)
"""

from pathlib import Path

from grader.bundle import AssignmentBundle
from grader.selftest.cases import SelfTestCase, cases, run_case

ROOT = Path(__file__).resolve().parents[2]


def cases_for(slug: str) -> list[SelfTestCase]:
    return cases(ROOT / "assignments" / slug)


def case_id(case: SelfTestCase) -> str:
    return case.name


def check_case(built: Path, slug: str, case: SelfTestCase) -> None:
    bundle = AssignmentBundle.load(built / "autograder" / slug)
    outcome = run_case(case, bundle=bundle, source_notebook=built / "source" / slug / f"{slug}.ipynb",
                       release_notebook=built / "release" / slug / f"{slug}.ipynb")
    assert not outcome.record.extra.get("suite_problems"), outcome.record.extra["suite_problems"]
    assert outcome.ok, f"{case.name} ({case.description}): " + "; ".join(outcome.reasons)
