"""A suite session grades submission after submission exactly as a fresh ``run_suite`` would."""

import os
import tempfile
import textwrap

import numpy as np
import pytest

from grader.grading.submission import suite_session_for
from grader.suite.run import run_suite
from grader.suite.session import SuiteSession, SuiteSessionBroken
from grader.worker.client import StudentException, StudentTimeout
from tests.grading.tiny_suite import recording_double, suite, tiny_context  # noqa: F401 - suite is a fixture
from tests.small_bundle import RELU_TANH_SUITE, small_bundle


def _not_implemented(x):
    raise StudentException("NotImplementedError", "Task 07")


def _timeout(x):
    raise StudentTimeout(5.0)


SUBMISSIONS = {
    "correct": {"double": lambda x: x + x, "negate": np.negative},
    "wrong sign": {"double": lambda x: -2 * x, "negate": _not_implemented},
    "timeout": {"double": _timeout, "negate": lambda x: -x[:1]},
    "empty": {},
}


@pytest.fixture
def session(suite):
    opened = SuiteSession(suite, tiny_context({}))
    yield opened
    opened.close()


def test_each_submission_gets_what_a_fresh_run_gives_in_any_order(suite, session):
    expected = {name: run_suite(suite, tiny_context(functions, seed=name)) for name, functions in SUBMISSIONS.items()}
    for name in ["correct", "wrong sign", "correct", "empty", "timeout", "correct", "empty"]:
        assert session.run(tiny_context(SUBMISSIONS[name], seed=name)) == expected[name], name
    assert session.usable
    scores = {name: sum(r.score for r in results) for name, (results, _) in expected.items()}
    assert scores == {"correct": 6.0, "wrong sign": 0.0, "timeout": 1.0, "empty": 0.0}


def test_the_rng_of_each_test_is_seeded_per_submission(session):
    seen = {}

    for seed in ("alice", "bob", "alice"):
        session.run(tiny_context({"double": recording_double(seen, seed), "negate": np.negative}, seed=seed))
    assert len(seen["alice"]) == 2 * len(seen["bob"]) == 4
    assert np.array_equal(seen["alice"][0], seen["alice"][2])
    assert not np.array_equal(seen["alice"][0], seen["bob"][0])


def test_fixtures_and_module_setup_start_afresh_for_every_submission(tmp_path):
    """A suite's own fixtures and setup_module run per submission, never shared across students."""
    (tmp_path / "test_fresh.py").write_text(textwrap.dedent('''
        import pytest

        SEEN = []

        def setup_module(module):
            SEEN.clear()

        @pytest.fixture(scope="module")
        def answers():
            return []

        @pytest.mark.task07_double
        def test_module_fixture_is_new(student, answers):
            answers.append(student.double(1))
            assert len(answers) == 1, "a module fixture leaked from another submission"

        @pytest.mark.task07_negate
        def test_setup_module_ran_again(student, answers):
            SEEN.append(answers[0])
            assert SEEN == [student.double(1)], "setup_module did not run for this submission"
    '''))
    opened = SuiteSession(tmp_path, tiny_context({}))
    try:
        for factor in (2, 3, 5):
            results, problems = opened.run(tiny_context({"double": lambda x, f=factor: f * x}))
            assert problems == [] and [r.status for r in results] == ["passed", "passed"], results
    finally:
        opened.close()


def test_a_suite_that_does_not_collect_says_why_to_every_submission(tmp_path):
    (tmp_path / "test_broken.py").write_text("def test_x(student):\n    pass\n\ndef broken(:\n")
    opened = SuiteSession(tmp_path, tiny_context({}))
    try:
        assert opened.collection_failed and opened.usable
        for functions in ({"double": lambda x: 2 * x}, {}):
            results, problems = opened.run(tiny_context(functions))
            assert results == []
            assert any("could not run" in p and "error during collection" in p for p in problems), problems
    finally:
        opened.close()


def test_what_hidden_tests_print_stays_out_of_the_graders_output(tmp_path, capfd):
    (tmp_path / "test_loud.py").write_text(textwrap.dedent('''
        import sys
        import pytest

        @pytest.mark.task07_double
        def test_loud(student):
            print("LOUD stdout")
            print("LOUD stderr", file=sys.stderr)
            assert student.double(1) == 2
    '''))
    opened = SuiteSession(tmp_path, tiny_context({}))
    try:
        results, _ = opened.run(tiny_context({"double": lambda x: 2 * x}))
        assert [r.status for r in results] == ["passed"]
    finally:
        opened.close()
    captured = capfd.readouterr()
    assert "LOUD" not in captured.out + captured.err


def test_a_closed_session_refuses_to_grade_and_the_process_opens_a_new_one(tmp_path):
    bundle = small_bundle(tmp_path, RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    first = suite_session_for(bundle)
    first.close()
    assert not first.usable
    with pytest.raises(SuiteSessionBroken, match="has ended"):
        first.run(tiny_context(SUBMISSIONS["correct"]))
    second = suite_session_for(bundle)
    assert second is not first and second.usable
    second.close()


def test_a_session_that_breaks_fails_that_submission_and_the_next_gets_a_new_one(tmp_path, monkeypatch):
    """pytest failing mid-run is the grader's problem: that submission raises (a grader_error
    record, graded again next run), and no result of a half-run suite is ever returned."""
    import grader.suite.session as session_module

    bundle = small_bundle(tmp_path, RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    broken = suite_session_for(bundle)
    real, real_direct = session_module.runtestprotocol, session_module.direct.run

    def failing(*args, **kwargs):
        raise RuntimeError("pytest broke")

    # Whichever way the session runs the tests (pytest's protocol, or directly), it breaks.
    monkeypatch.setattr(session_module, "runtestprotocol", failing)
    monkeypatch.setattr(session_module.direct, "run", failing)
    with pytest.raises(SuiteSessionBroken, match="RuntimeError: pytest broke"):
        broken.run(tiny_context(SUBMISSIONS["correct"]))
    assert not broken.usable
    monkeypatch.setattr(session_module, "runtestprotocol", real)
    monkeypatch.setattr(session_module.direct, "run", real_direct)
    assert suite_session_for(bundle) is not broken
    suite_session_for(bundle).close()


def test_a_process_keeps_one_session_per_bundle_until_the_bundle_changes(tmp_path):
    bundle = small_bundle(tmp_path, RELU_TANH_SUITE, ("relu_forward", "tanh_forward"))
    first = suite_session_for(bundle)
    assert suite_session_for(bundle) is first and first.usable
    suite_file = bundle.suite_dir / "test_small.py"
    suite_file.write_text(suite_file.read_text().replace("def test_tanh", "def test_tanh_renamed"))
    os.utime(suite_file, ns=(1, 1))  # a rebuild within the same clock tick still changes the size
    second = suite_session_for(bundle)
    assert second is not first and second.usable and not first.usable
    second.close()


def test_a_session_keeps_nothing_on_disk(suite, tmp_path, monkeypatch):
    """A pool process ends with os._exit: whatever a session kept on disk would stay there."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    opened = SuiteSession(suite, tiny_context({}))
    try:
        opened.run(tiny_context(SUBMISSIONS["correct"]))
        run_suite(suite, tiny_context(SUBMISSIONS["correct"]))
        assert list(scratch.iterdir()) == []
    finally:
        opened.close()
