"""The hidden suite of 05_regularization grades right: reference full, release zero, mutants
caught, alternatives full (cases from assignments/05_regularization/selftest/)."""

import pytest

from tests.selftest.harness import case_id, cases_for, check_case


@pytest.mark.parametrize("case", cases_for("05_regularization"), ids=case_id)
def test_hidden_suite_grades_right(built_course, case):
    check_case(built_course, "05_regularization", case)
