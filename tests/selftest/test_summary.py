"""The self-test summary: which feedback counts as saying no more than "wrong values", and the
per-assignment figures built from outcomes or from the records of an earlier run."""

from pathlib import Path

from grader.records import SubmissionRecord, TestResult
from grader.selftest.cases import SelfTestCase, SelfTestOutcome
from grader.selftest.summary import is_generic, outcomes_from_records, summarize, total


def test_generic_is_the_plain_comparison_and_nothing_more():
    assert is_generic("dx: wrong values: max abs error 0.3 at [1, 2] (got 1, expected 0.7); 3 of 12 entries differ")
    assert is_generic("loss: wrong value: got 0.2, expected 0.3")
    assert is_generic("out: wrong values: max abs error 2 at [0] (got 1, expected 3); 1 of 4 entries differ; "
                      "dtype float32, expected float64")
    assert is_generic("a property check failed")
    for specific in (
        "dx: wrong values: max abs error 1 at [0, 2] (got 1, expected 0); 2 of 8 entries differ; every wrong entry "
        "lies in the true class of each row (every other entry is right)",
        "dx: matches a known mistake: dw transposed",
        "dw: wrong values: max abs error 1 at [0] (got 1, expected 0); 1 of 4 entries differ (dx and db are right)",
        "w after step 3 of 8: wrong values: max abs error 1 at [0] (got 1, expected 0); 4 of 4 entries differ "
        "(steps 1 to 2 were right; the state returned at step 1 is the first to differ: state['step'] is 1, "
        "expected 2)",
        "out is 2 times too large (x 2: a missing division, e.g. by the batch size?)",
        "your code raised ValueError: bad",
    ):
        assert not is_generic(specific), specific


def outcome(slug, name, outputs, expect_lose=("f",)):
    tests = tuple(TestResult(name=f"f: t{i}", task="f", score=0.0, max_score=1.0, status="failed", output=text)
                  for i, text in enumerate(outputs))
    record = SubmissionRecord(student=name, assignment=slug, submission_sha256="0" * 64, submission_file="m.py",
                              status="graded", score=0.0, max_score=float(len(tests)), tests=tests)
    return SelfTestOutcome(SelfTestCase(name, "", expect_lose=expect_lose), record, ok=True)


def test_a_mutant_is_specific_when_one_of_its_failing_tests_is():
    generic = "out: wrong value: got 1, expected 2"
    rows = summarize([outcome("01_a", "mutant:one", [generic, "out: matches a known mistake: x"]),
                      outcome("01_a", "mutant:two", [generic, generic]),
                      outcome("01_a", "alternative:fine", []),
                      outcome("02_b", "mutant:three", ["out is all zeros"])])
    assert [(r.assignment, r.mutants, r.alternatives, r.specific, r.specific_tests, r.failing_tests,
             r.generic_examples) for r in rows] == [("01_a", 2, 1, 1, 1, 4, ("two",)), ("02_b", 1, 0, 1, 1, 1, ())]
    assert total(rows).share == 2 / 3


def test_outcomes_are_judged_again_from_the_records_of_a_run(tmp_path):
    folder = tmp_path / "assignments" / "99_toy"
    (folder / "selftest" / "mutants").mkdir(parents=True)
    (folder / "selftest" / "mutants" / "bad.py").write_text(
        "# selftest: mutant\n# expect-lose: f\n# expect-feedback: known mistake\ndef f():\n    pass\n")
    caught = outcome("99_toy", "mutant:bad", ["out: matches a known mistake: x"])
    (tmp_path / "records" / "99_toy").mkdir(parents=True)
    (tmp_path / "records" / "99_toy" / "mutant-bad.json").write_text(caught.record.to_json())
    found = outcomes_from_records(Path(tmp_path / "records"), [("99_toy", folder)])
    assert [(o.case.name, o.ok) for o in found] == [("mutant:bad", True)]
