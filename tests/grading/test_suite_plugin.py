"""The hidden-suite plugin on a tiny suite, with the student's functions called in-process."""

import dataclasses
import textwrap

import numpy as np
import pytest

from grader.suite.plugin import task_marker
from grader.suite.run import run_suite
from grader.worker.client import StudentException, StudentTimeout
from tests.grading.tiny_suite import recording_double, suite, tiny_context  # noqa: F401 - suite is a fixture

def test_correct_submission_gets_full_marks(suite):
    results, problems = run_suite(suite, tiny_context({"double": lambda x: x + x, "negate": np.negative}))
    assert problems == []
    assert [r.status for r in results] == ["passed"] * 4
    assert [r.max_score for r in results] == [1.0, 3.0, 1.0, 1.0]
    assert results[0].name == "double: Doubles a random vector"
    assert results[1].visibility == "hidden"
    assert sum(r.score for r in results) == 6.0


def test_failures_are_diagnosed_and_classified(suite):
    def negate(x):
        raise StudentException("NotImplementedError", "Task 07.negate")

    results, _ = run_suite(suite, tiny_context({"double": lambda x: -2 * x, "negate": negate}))
    assert [r.status for r in results] == ["failed", "failed", "not_implemented", "not_implemented"]
    assert "wrong sign" in results[0].output
    assert sum(r.score for r in results) == 0.0


def test_missing_timeout_and_property_messages(suite):
    def double(x):
        raise StudentTimeout(5.0)

    results, _ = run_suite(suite, tiny_context({"double": double, "negate": lambda x: -x[:1]}))
    assert [r.status for r in results] == ["timeout", "timeout", "passed", "failed"]
    assert results[3].output == "negate changed the shape"
    results, _ = run_suite(suite, tiny_context({}))
    assert {r.status for r in results} == {"missing"}


def test_rng_is_seeded_per_student(suite):
    seen = {}

    for seed in ("alice", "alice", "bob"):
        run_suite(suite, tiny_context({"double": recording_double(seen, seed), "negate": np.negative}, seed=seed))
    assert np.array_equal(seen["alice"][0], seen["alice"][2])
    assert not np.array_equal(seen["alice"][0], seen["bob"][0])


def test_suite_problems_are_reported(tmp_path):
    (tmp_path / "test_bad.py").write_text(textwrap.dedent('''
        def test_no_marker(student):
            pass
    '''))
    results, problems = run_suite(tmp_path, tiny_context({}))
    assert results == []
    assert any("0 task markers" in p for p in problems)
    assert any("no hidden test for task double" in p for p in problems)


def test_task_marker_name():
    assert task_marker("01_activations", "sigmoid_forward") == "task01_sigmoid_forward"


def test_a_broken_suite_is_reported_on_every_run_in_the_same_process(tmp_path):
    """pytest keeps a module that failed to import in sys.modules, empty: the second run would
    find no error and no tests, and only the first submission of a pool process would say why."""
    (tmp_path / "test_broken.py").write_text("def test_x(student):\n    pass\n\ndef broken(:\n")
    first = run_suite(tmp_path, tiny_context({}))
    assert any("could not run" in p and "error during collection" in p for p in first[1]), first
    assert run_suite(tmp_path, tiny_context({})) == first


def test_suites_with_same_named_files_each_run_their_own_tests(tmp_path):
    """pytest's importlib mode names a test module by its file name alone; one process grading
    two assignments must not run the first one's tests for the second."""
    for name, task in (("a", "double"), ("b", "negate")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "test_same.py").write_text(
            f"import pytest\n\n@pytest.mark.task07_{task}\ndef test_{name}(student):\n    pass\n")
    for name in ("a", "b", "a"):
        results, _ = run_suite(tmp_path / name, tiny_context({}))
        assert [r.task for r in results] == [{"a": "double", "b": "negate"}[name]]


def test_the_diagnosis_reaches_the_record_by_name(suite):
    """double x -> -2x: "wrong sign everywhere" on a vector; on a batch of one a single entry cannot
    show a constant factor, so nothing is named; negate's failed property check names nothing."""
    results, _ = run_suite(suite, tiny_context({"double": lambda x: -2 * x, "negate": lambda x: -x[:1]}))
    assert [r.diagnosis for r in results] == ["wrong sign everywhere", "", "", ""]
    results, _ = run_suite(suite, tiny_context({"double": lambda x: x + x, "negate": np.negative}))
    assert {r.diagnosis for r in results} == {""}


def test_an_input_changed_in_place_is_a_named_mistake(suite):
    context = tiny_context({"double": lambda x: x + x, "negate": np.negative})
    context = dataclasses.replace(context, last_mutated=lambda: ["x"])
    results, _ = run_suite(suite, context)
    assert {(r.status, r.diagnosis) for r in results} == {("failed", "changed its input in place")}


def test_a_warning_on_valid_input_fails_the_test_that_called_the_function(suite):
    """A right result with a warning loses the test, naming the warning; a wrong result keeps its
    own diagnosis and mentions the warning too; a function that did not warn is not blamed."""
    warned: list[str] = []

    def double(x):
        warned[:] = ["RuntimeWarning: overflow encountered in exp (cell 3, line 2)"]
        return x + x

    def negate(x):
        warned[:] = []
        return -x

    context = dataclasses.replace(tiny_context({"double": double, "negate": negate}), last_warnings=lambda: warned)
    results, _ = run_suite(suite, context)
    assert [(r.task, r.status, r.diagnosis) for r in results] == [
        ("double", "failed", "warned on valid input"), ("double", "failed", "warned on valid input"),
        ("negate", "passed", ""), ("negate", "passed", "")]
    assert "double emitted a warning on valid input: RuntimeWarning: overflow encountered in exp (cell 3, " \
           "line 2)" in results[0].output

    def wrong_double(x):
        warned[:] = ["RuntimeWarning: invalid value encountered in divide"]
        return -2 * x

    context = dataclasses.replace(tiny_context({"double": wrong_double, "negate": negate}),
                                  last_warnings=lambda: warned)
    results, _ = run_suite(suite, context)
    assert results[0].diagnosis == "wrong sign everywhere"
    assert results[0].output.endswith("(double also warned: RuntimeWarning: invalid value encountered in divide)")


def test_a_failure_downstream_of_a_failing_function_names_it():
    """The note names the graded function the reference builds on only when that function failed
    a test of its own here; a passing one, or a test that passed, gets no note."""
    from grader.records import TestResult
    from grader.suite.dependencies import note_failing_dependencies

    def result(task, status):
        return TestResult(name=task, task=task, score=0.0 if status != "passed" else 1.0, max_score=1.0,
                          status=status, output="out: wrong values", visibility="visible")

    uses = {"outer": ("inner", "helper")}
    noted = note_failing_dependencies([result("inner", "failed"), result("helper", "passed"),
                                       result("outer", "failed"), result("outer", "passed")], uses)
    assert noted[2].output == ("out: wrong values (note: inner, which this function builds on, fails some of its "
                               "own tests: if yours calls it, fix that first)")
    assert [r.output for r in noted[:2] + noted[3:]] == ["out: wrong values"] * 3
    clean = note_failing_dependencies([result("inner", "passed"), result("outer", "failed")], uses)
    assert clean[1].output == "out: wrong values"


def test_builds_on_reads_the_graded_calls_of_each_reference_body():
    from grader.suite.dependencies import builds_on

    found = builds_on({"multihead_attention_forward": "reference.attention:multihead_attention_forward",
                       "attention_forward": "reference.attention:attention_forward",
                       "causal_mask": "reference.attention:causal_mask"})
    assert found == {"multihead_attention_forward": ("attention_forward",), "attention_forward": (),
                     "causal_mask": ()}
