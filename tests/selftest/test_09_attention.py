"""The hidden suite of 09_attention grades right: reference full, release zero, mutants caught,
alternatives full."""

import pytest

from tests.selftest.harness import case_id, cases_for, check_case

SLUG = "09_attention"


@pytest.mark.parametrize("case", cases_for(SLUG), ids=case_id)
def test_hidden_suite_grades_right(built_course, case):
    check_case(built_course, SLUG, case)
