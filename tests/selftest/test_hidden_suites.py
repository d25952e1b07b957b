"""Every hidden suite grades right: for each assignment in course.toml, the reference full, the
untouched release zero, mutants caught, alternatives full, fakes zero, contract fakes losing
points (grader/selftest.py; cases from assignments/<slug>/selftest/ and the generated fakes).
An assignment added to course.toml is covered without a line here.

Case ids are ``<slug>/<case>``: under ``--dist loadfile`` each assignment's cases are one
work unit (tests/work_units.py), so the assignments spread over the workers."""

import pytest

from grader.config import load_course
from tests.selftest.harness import ROOT, cases_for, check_case

CASES = [pytest.param(assignment.slug, case, id=f"{assignment.slug}/{case.name}")
         for assignment in load_course(ROOT / "course.toml").assignments for case in cases_for(assignment.slug)]


@pytest.mark.parametrize("slug, case", CASES)
def test_hidden_suite_grades_right(built_course, slug, case):
    check_case(built_course(slug), slug, case)
