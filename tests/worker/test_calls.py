"""Calling a submission's functions through one long-lived worker: results, errors, output,
handles, random generators, and what the worker can and cannot import or see."""

from __future__ import annotations

import os

import numpy as np
import pytest

from grader.worker.client import (
    Handle,
    InvalidResult,
    MissingFunction,
    StudentException,
    Worker,
)
from grader.limits import Limits
from grader.worker.protocol import ProtocolLimits
from tests.worker.helpers import chunks

SETUP = "import numpy as np\nimport sys, os\n"
BROKEN = "def broken(:\n    pass\n"
FUNCTIONS = '''
class Cache:
    """What a student's forward may keep for backward: not encodable, so it stays in the worker."""
    def __init__(self, x, w):
        self.x, self.w = x, w

def linear_forward(x, w, b):
    return x @ w + b, Cache(x, w)

def linear_backward(dout, cache):
    return dout @ cache.w.T, cache.x.T @ dout, dout.sum(axis=0)

def scale(x, factor=2.0):
    return factor * x

def fails(x):
    y = x + 1
    raise ValueError(f"bad input of shape {np.shape(x)}")

def chatty(n):
    for i in range(n):
        print("line", i)
    print("to stderr", file=sys.stderr)
    return n

def overflowing():
    return np.exp(np.array([1000.0]))

def quiet_overflow():
    with np.errstate(over="ignore"):
        return np.exp(np.array([1000.0]))

def deprecated():
    import warnings
    warnings.warn("old API", DeprecationWarning)
    warnings.warn("the mean of nothing", RuntimeWarning)
    return 1.0

np.seterr(all="ignore")  # a submission's module-level silence does not reach its calls

def exits(how):
    if how == "sys.exit":
        sys.exit(4)
    if how == "SystemExit":
        raise SystemExit("leaving")
    if how == "KeyboardInterrupt":
        raise KeyboardInterrupt
    raise BaseException("base")

def draws(rng, n):
    return rng.normal(size=n), rng.integers(0, 10, size=n)

def try_import(name):
    try:
        __import__(name)
    except ImportError as error:
        return f"{type(error).__name__}: {error}"
    return "imported"

def environment():
    return {"path": list(sys.path), "env": dict(os.environ), "cwd": os.getcwd()}

def ipython():
    return get_ipython()

def ask():
    return input("your name? ")

class Liar:
    def __eq__(self, other):
        return True
    __array_priority__ = 1000

def lies():
    return Liar()

class Sneaky(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

def sneaky():
    return np.zeros(3).view(Sneaky)

def objects():
    return np.array([1, "a"], dtype=object), {1: "int key"}, 1 + 2j

def huge():
    return np.zeros(2_000_000)

not_a_function = 42

def decay_in_place(params, grads, lr=0.1):
    for key in params:
        params[key] -= lr * grads[key]
    return params

def decay_copy(params, grads, lr=0.1):
    return {key: params[key] - lr * grads[key] for key in params}

def bump_nested(state):
    state["moments"][1][0][...] += 1.0
    return 0

def bump_cache(dout, cache):
    cache.x += dout
    return dout
'''


@pytest.fixture(scope="module")
def worker():
    with Worker(chunks(SETUP, BROKEN, FUNCTIONS), limits=Limits(call_timeout_seconds=20, output_bytes=1000),
                protocol_limits=ProtocolLimits(max_array_bytes=8_000_000)) as started:
        yield started


def test_setup_reports_the_syntax_error_and_loads_the_other_chunks(worker):
    statuses = [(c.cell_index, c.status) for c in worker.report.chunks]
    assert statuses == [(0, "ok"), (1, "error"), (2, "ok")]
    assert worker.report.chunks[1].error.startswith("SyntaxError:")
    assert "(cell 2, line 1)" in worker.report.chunks[1].error


def test_array_result_is_correct_and_float64(worker, rng):
    x, w, b = rng.normal(size=(64, 64)), rng.normal(size=(64, 8)), rng.normal(size=8)
    out, cache = worker.call("linear_forward", x, w, b)
    assert type(out) is np.ndarray and out.dtype == np.float64
    np.testing.assert_allclose(out, x @ w + b, rtol=1e-12)
    assert isinstance(cache, Handle) and cache.type_name == "Cache"


def test_handle_from_forward_is_resolved_in_backward(worker, rng):
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    _, cache = worker.call("linear_forward", x, w, b)
    dout = rng.normal(size=(5, 4))
    dx, dw, db = worker.call("linear_backward", dout, cache)
    np.testing.assert_allclose(dx, dout @ w.T, rtol=1e-12)
    np.testing.assert_allclose(dw, x.T @ dout, rtol=1e-12)
    np.testing.assert_allclose(db, dout.sum(axis=0), rtol=1e-12)
    worker.release(cache)
    with pytest.raises(InvalidResult, match="no stored object with handle"):
        worker.call("linear_backward", dout, cache)


def test_keyword_arguments_and_timeout_keyword(worker):
    assert worker.call("scale", 3.0, factor=0.5) == 1.5
    assert worker.invoke("scale", (2.0,), {"factor": 4.0}, timeout=5) == 8.0


def test_student_exception_has_type_message_and_line(worker):
    with pytest.raises(StudentException) as caught:
        worker.call("fails", np.ones((2, 3)))
    error = caught.value
    assert (error.type_name, error.message) == ("ValueError", "bad input of shape (2, 3)")
    assert (error.cell, error.line) == (2, 18)
    assert "Traceback" not in str(error)


def test_output_is_captured_and_capped(worker):
    assert worker.call("chatty", 10_000) == 10_000
    output = worker.last_output
    assert output.stdout.startswith("line 0\nline 1\n")
    assert len(output.stdout) < 600 and "more characters not shown" in output.stdout
    assert output.stderr == "to stderr\n"


def test_warnings_are_captured_not_fatal(worker):
    assert worker.call("overflowing").tolist() == [np.inf]
    assert "RuntimeWarning: overflow" in worker.last_output.stderr


def test_each_call_reports_its_warnings_under_numpys_default_error_handling(worker):
    worker.call("overflowing")
    assert len(worker.last_warnings) == 1
    assert worker.last_warnings[0].startswith("RuntimeWarning: overflow encountered in exp (cell ")
    worker.call("overflowing")  # again: each call reports its own, not only the first call's
    assert len(worker.last_warnings) == 1
    worker.call("quiet_overflow")  # np.errstate inside the function is deliberate handling
    assert worker.last_warnings == []
    worker.call("scale", 2.0)
    assert worker.last_warnings == []
    worker.call("deprecated")  # deprecations depend on library versions: left out
    assert [line.partition(" (")[0] for line in worker.last_warnings] == ["RuntimeWarning: the mean of nothing"]


@pytest.mark.parametrize(("how", "type_name"), [
    ("sys.exit", "SystemExit"), ("SystemExit", "SystemExit"),
    ("KeyboardInterrupt", "KeyboardInterrupt"), ("other", "BaseException"),
])
def test_exit_and_base_exceptions_are_reported_per_call(worker, how, type_name):
    starts = worker.report.starts
    with pytest.raises(StudentException) as caught:
        worker.call("exits", how)
    assert caught.value.type_name == type_name
    assert worker.call("scale", 1.0) == 2.0
    assert worker.report.starts == starts  # no restart was needed


def test_missing_and_non_callable_names(worker):
    with pytest.raises(MissingFunction, match="no_such_function is not defined"):
        worker.call("no_such_function")
    with pytest.raises(MissingFunction, match="is a int, not a function"):
        worker.call("not_a_function")
    with pytest.raises(MissingFunction):
        worker.call("broken")  # its chunk had a syntax error


def test_generator_is_sent_by_state_and_draws_match(worker):
    rng = np.random.default_rng(12345)
    normal, integers = worker.call("draws", rng, 6)
    reference = np.random.default_rng(12345)
    np.testing.assert_array_equal(normal, reference.normal(size=6))
    np.testing.assert_array_equal(integers, reference.integers(0, 10, size=6))
    # by value: the caller's generator did not move
    np.testing.assert_array_equal(rng.normal(size=6), np.random.default_rng(12345).normal(size=6))


def test_reference_and_grader_cannot_be_imported(worker):
    for name in ("reference", "grader", "tests", "pytest", "__editable___nn_foundations_0_1_0_finder"):
        assert worker.call("try_import", name).startswith("ModuleNotFoundError"), name
    assert worker.call("try_import", "scipy.special") == "imported"


def test_environment_path_and_cwd_are_the_sandbox_ones(worker, monkeypatch):
    seen = worker.call("environment")
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert not any(path.startswith(repository) for path in seen["path"])
    assert not any("site-packages" in path for path in seen["path"])
    assert set(seen["env"]) == {"PATH", "HOME", "TMPDIR", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                "MKL_NUM_THREADS", "NNF_WORKER_MARKER"}
    assert seen["env"]["HOME"] == seen["cwd"] and seen["cwd"].endswith("scratch")


def test_no_ipython_and_no_stdin(worker):
    with pytest.raises(StudentException, match="NameError: name 'get_ipython' is not defined"):
        worker.call("ipython")
    with pytest.raises(StudentException, match="EOFError"):
        worker.call("ask")


def test_lying_objects_come_back_as_handles_or_plain_arrays(worker):
    liar = worker.call("lies")
    assert isinstance(liar, Handle) and liar.type_name == "Liar"
    assert liar != 0  # the grader never holds the student's object, only its handle
    plain = worker.call("sneaky")
    assert type(plain) is np.ndarray and not (plain == 1).any()
    objects, int_keys, complex_number = worker.call("objects")
    assert all(isinstance(h, Handle) for h in (objects, int_keys, complex_number))


def test_too_large_result_is_invalid_and_the_worker_survives(worker):
    starts = worker.report.starts
    with pytest.raises(InvalidResult, match="array too large"):
        worker.call("huge")
    assert worker.call("scale", 2.0) == 4.0
    assert worker.report.starts == starts


def test_arrays_anywhere_in_the_arguments_are_checked_for_changes(worker, rng):
    params, grads = {"w": rng.standard_normal((2, 2)), "b": np.zeros(2)}, {"w": np.ones((2, 2)), "b": np.ones(2)}
    worker.call("decay_copy", params, grads)
    assert worker.last_mutated == []
    worker.call("decay_in_place", params, grads)
    assert sorted(worker.last_mutated) == ["argument 1['b']", "argument 1['w']"]
    worker.call("bump_nested", {"moments": [np.zeros(2), (np.zeros(3),)]})
    assert worker.last_mutated == ["argument 1['moments'][1][0]"]
    _, cache = worker.call("linear_forward", np.ones((1, 2)), np.ones((2, 2)), np.zeros(2))
    worker.call("bump_cache", np.ones((1, 2)), cache)
    assert worker.last_mutated == ["argument 2.x"]
