"""The suite's xdist work units: a file each, but the self-test of every hidden suite one per
assignment (tests/work_units.py)."""

from grader.config import load_course
from tests.selftest.harness import ROOT
from tests.selftest.test_hidden_suites import CASES
from tests.work_units import work_unit

FILE = "tests/selftest/test_hidden_suites.py"


def test_the_self_test_is_one_unit_per_assignment():
    units = {work_unit(f"{FILE}::test_hidden_suite_grades_right[{case.id}]") for case in CASES}
    assert units == {f"{FILE}::{a.slug}" for a in load_course(ROOT / "course.toml").assignments}


def test_any_other_test_is_in_its_files_unit():
    assert work_unit("tests/build/test_pipeline.py::test_build[01_activations/x]") == "tests/build/test_pipeline.py"
    assert work_unit("tests/selftest/test_fakes.py::TestX::test_y[a]") == "tests/selftest/test_fakes.py"
    assert work_unit(f"{FILE}") == FILE  # the module itself (a collection error) stays whole
