"""The self-test's generic fakes: generated from each graded function's own signature, they do
nothing (zeros, ones, their input, ValueError) in the output's structure, and keep the reference
they wrap in a namespace of its own; the self-test judges fakes and contract fakes by task."""

import inspect

import numpy as np
import pytest

from grader.records import SubmissionRecord, TestResult
from grader.selftest.cases import SelfTestCase, cases, judge
from grader.selftest.fakes import FAKE_KINDS, fake_definitions, fake_module
from grader.suite.contract import SuiteContracts
from tests.selftest.harness import ROOT

REFERENCE = '''
import numpy as np


def layer_forward(x, w, b=None, *, scale=1.0):
    out = scale * (x @ w)
    return out, (x, w, 3)


def step(w, dw, state=None, *, lr=0.1, **extra):
    state = {"t": 0 if state is None else state["t"] + 1, "m": np.zeros_like(w)}
    return w - lr * dw, state


def twice(x, *rest):
    doubled, _ = layer_forward(x, 2.0 * np.eye(x.shape[1]))
    return doubled


def picky(x):
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    return float(np.sum(x)), True
'''
FUNCTIONS = ["layer_forward", "step", "twice", "picky"]


def load(kind):
    namespace = {}
    exec(compile(fake_module(REFERENCE, FUNCTIONS, kind), "<fake>", "exec"), namespace)
    return namespace


def test_fakes_keep_each_signature():
    real, fake = {}, load("zeros")
    exec(REFERENCE, real)
    for name in FUNCTIONS:
        assert inspect.signature(fake[name]) == inspect.signature(real[name]), name


def test_zeros_and_ones_keep_the_output_structure():
    x, w = np.arange(6.0).reshape(2, 3), np.ones((3, 2))
    for kind, fill in (("zeros", 0), ("ones", 1)):
        out, (cx, cw, count) = load(kind)["layer_forward"](x, w, scale=2.0)
        assert out.shape == (2, 2) and out.dtype == np.float64 and np.all(out == fill)
        assert np.all(cx == fill) and cw.shape == (3, 2) and count == fill and type(count) is int
        new_w, state = load(kind)["step"](w, w, None, lr=0.5, momentum=0.9)
        assert np.all(new_w == fill) and state["t"] == fill and np.all(state["m"] == fill)


def test_identity_returns_same_shape_inputs_and_the_first_number():
    w, dw = np.full((2, 2), 3.0), np.ones((2, 2))
    new_w, state = load("identity")["step"](w, dw, None, lr=0.5)
    assert np.array_equal(new_w, w) and new_w is not w  # a copy: the fake does not alias its input
    assert state["t"] == 0  # lr = 0.5 is the first number, made an int like the real output
    total, flag = load("identity")["picky"](np.ones((2, 2)))
    assert total == 0 and flag is False  # no number among the inputs: zeros


def test_raises_always_raises_value_error():
    with pytest.raises(ValueError, match="invalid input"):
        load("raises")["layer_forward"](np.ones((1, 1)), np.ones((1, 1)))


def test_a_fake_never_passes_on_the_reference_exception():
    assert load("zeros")["picky"](np.ones(3)) == 0.0
    x = np.ones(3)
    assert load("identity")["picky"](x) is x


def test_the_wrapped_reference_calls_the_real_functions_not_the_fakes():
    # twice() calls layer_forward: inside the reference it must be the real one, or the shape of
    # the structure the fake fills would come from another fake.
    assert load("ones")["twice"](np.ones((2, 4))).shape == (2, 4)


def test_unknown_kind_and_missing_function_are_errors():
    with pytest.raises(ValueError, match="unknown fake kind"):
        fake_definitions(REFERENCE, FUNCTIONS, "halves")
    with pytest.raises(ValueError, match="defines no nothing_here"):
        fake_definitions(REFERENCE, ["nothing_here"], "zeros")


def test_every_assignment_gets_every_fake():
    for folder in sorted((ROOT / "assignments").iterdir()):
        if (folder / "tests").is_dir():
            names = {case.name for case in cases(folder)}
            assert {f"fake:{kind}" for kind in FAKE_KINDS} <= names, folder.name


def record(*tests):
    return SubmissionRecord(student="s", assignment="99_toy", submission_sha256="0" * 64, submission_file="s.py",
                            status="graded", score=sum(t.score for t in tests),
                            max_score=sum(t.max_score for t in tests), tests=tests)


def result(task, score, output="passed"):
    return TestResult(name=f"{task}: a test", task=task, score=score, max_score=1.0,
                      status="passed" if score else "failed", output=output)


def test_a_fake_that_earns_anything_is_reported_with_the_tests_that_paid():
    fake = SelfTestCase("fake:zeros", FAKE_KINDS["zeros"])
    assert judge(fake, record(result("f", 0.0, "wrong"), result("g", 0.0, "wrong"))) == ()
    reasons = judge(fake, record(result("f", 0.0, "wrong"), result("g", 1.0)))
    assert reasons == ("a fake must score 0, got 1", "g: a test paid 1")


def test_a_contract_fake_needs_each_task_to_lose_points_saying_why_unless_opted_out():
    case = SelfTestCase("contract:float32", "", expect_feedback=("float32",))
    caught = result("f", 0.0, "out: the values are right to float32 precision, but the dtype is float32")
    missed = result("g", 0.0, "out: wrong values: ...")  # lost points, but not for its dtype
    reasons = judge(case, record(caught, missed), SuiteContracts({}, {}))
    assert len(reasons) == 1 and reasons[0].startswith("g: no test catches a break of its dtype contract")
    opted_out = SuiteContracts({}, {"g": {"dtype": "returns an int"}})
    assert judge(case, record(caught, result("g", 1.0)), opted_out) == ()


def test_the_warning_fake_returns_the_right_result_after_a_real_overflow():
    import warnings

    x, w = np.arange(6.0).reshape(2, 3), np.ones((3, 2))
    real = {}
    exec(REFERENCE, real)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, _ = load("warns")["layer_forward"](x, w, scale=2.0)
    assert np.array_equal(out, real["layer_forward"](x, w, scale=2.0)[0])
    assert [str(w.message) for w in caught] == ["overflow encountered in exp"]


def test_the_reference_is_judged_by_the_documented_edges_its_domain_edge_tests_reached():
    from grader.suite.edges import EdgeRecorder

    recorder = EdgeRecorder({"dropout_forward": "reference.layers:dropout_forward"})
    reference = SelfTestCase("reference", "the reference solution")
    full = record(TestResult(name="dropout_forward: a test", task="dropout_forward", score=1.0, max_score=1.0,
                             status="passed", output="passed"))
    x = np.ones((2, 2))
    recorder.observe("dropout_forward", frozenset({"domain_edge"}), "dropout_forward", (x, 0.0), {"rng": None})
    recorder.observe("dropout_forward", frozenset(), "dropout_forward", (x, 0.95), {"rng": None})  # not an edge test
    reasons = judge(reference, full, SuiteContracts({}, {}), recorder)
    assert reasons == ("dropout_forward: the docstring allows p: drop probability, a float in [0, 1) (ValueError "
                       "otherwise); no test marked contract('domain_edge') passes p within a tenth of the range "
                       "from 1 (its excluded high end)",)
    recorder.observe("dropout_forward", frozenset({"domain_edge"}), "dropout_forward", (x, 0.95), {"rng": None})
    assert judge(reference, full, SuiteContracts({}, {}), recorder) == ()
