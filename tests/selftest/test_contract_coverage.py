"""The contract-coverage rule (grader/suite/contract.py) holds for every graded function of every
assignment in course.toml: an assignment added later is covered without a line here. The dtype
and purity parts are checked by the self-test's contract fakes (test_hidden_suites.py); this file checks
the declared part (domain-edge tests) and the opt-outs, and the rule's own logic."""

import pytest

from grader.config import load_course
from grader.suite.contract import SuiteContracts, collect_contracts, coverage_gaps
from tests.selftest.harness import ROOT

COURSE = load_course(ROOT / "course.toml")


@pytest.mark.parametrize("assignment", COURSE.assignments, ids=lambda a: a.slug)
def test_every_graded_function_covers_its_contract(assignment):
    tasks = list(assignment.points)
    contracts = collect_contracts(assignment.hidden_tests, assignment.slug, tuple(tasks))
    assert coverage_gaps(contracts, tasks) == []


def test_a_task_without_an_edge_test_or_opt_out_is_a_gap():
    contracts = SuiteContracts({"f": frozenset({"domain_edge"}), "g": frozenset()}, {})
    assert coverage_gaps(contracts, ["f", "g"]) == [
        "g: no test marked contract('domain_edge') and no CONTRACT_OPT_OUT for it"]


def test_an_opt_out_needs_a_known_task_a_known_kind_and_a_reason():
    contracts = SuiteContracts({"f": frozenset({"domain_edge", "dtpye"})},
                               {"f": {"purity": " "}, "h": {"dtype": "no floats"}, "g": {"domain_edge": "why"}})
    gaps = coverage_gaps(contracts, ["f", "g"])
    assert "f: unknown contract kind 'dtpye' (known: dtype, purity, warnings, domain_edge)" in gaps
    assert "CONTRACT_OPT_OUT['f']['purity'] gives no reason" in gaps
    assert "CONTRACT_OPT_OUT names 'h', which is not a graded function of this assignment" in gaps
    assert not any(gap.startswith("g:") for gap in gaps)  # opted out of its edge test, with a reason


def test_collection_reads_markers_and_opt_outs(tmp_path):
    (tmp_path / "test_one.py").write_text(
        "import pytest\n"
        "CONTRACT_OPT_OUT = {'g': {'dtype': 'returns an int'}}\n"
        "@pytest.mark.task99_f\n@pytest.mark.contract('domain_edge')\ndef test_edge():\n    pass\n"
        "@pytest.mark.task99_g\ndef test_plain():\n    pass\n")
    contracts = collect_contracts(tmp_path, "99_toy", ("f", "g"))
    assert contracts.marked == {"f": frozenset({"domain_edge"}), "g": frozenset()}
    assert contracts.opt_outs == {"g": {"dtype": "returns an int"}}
    assert coverage_gaps(contracts, ["f", "g"]) == [
        "g: no test marked contract('domain_edge') and no CONTRACT_OPT_OUT for it"]


def test_a_suite_that_does_not_collect_is_a_gap(tmp_path):
    (tmp_path / "test_broken.py").write_text("import nothing_of_that_name\n")
    gaps = coverage_gaps(collect_contracts(tmp_path, "99_toy", ("f",)), ["f"])
    assert "the hidden suite collected no test" in gaps


def test_a_malformed_opt_out_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "test_one.py").write_text(
        "import pytest\nCONTRACT_OPT_OUT = {'f': 'dtype'}\n"
        "@pytest.mark.task99_f\n@pytest.mark.contract('domain_edge')\ndef test_edge():\n    pass\n")
    gaps = coverage_gaps(collect_contracts(tmp_path, "99_toy", ("f",)), ["f"])
    assert gaps == ["test_one: CONTRACT_OPT_OUT must be {function: {kind: reason}}"]
