import pytest
from tests.selftest.harness import case_id, cases_for, check_case

@pytest.mark.parametrize("case", cases_for("08_model_selection"), ids=case_id)
def test_hidden_suite_grades_right(built_course, case):
    check_case(built_course, "08_model_selection", case)
