"""The released helper, run from a built toy release exactly as a student's notebook imports it."""

from __future__ import annotations

import ast
import sys

import numpy as np
import pytest

from grader.build.pipeline import CHECKS_MODULE


def cube_forward(x):
    return x ** 3, x


def cube_backward(dout, cache):
    return 3.0 * cache ** 2 * dout


def stub(*args, **kwargs):
    raise NotImplementedError("Task 01.cube_forward: implement cube_forward")


def _line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip()


def test_pass_lines(checks, capsys):
    checks.check_outputs("cube_forward", cube_forward)
    assert _line(capsys) == "PASS cube_forward: out matches the expected values (max abs error 0.0e+00)"
    checks.check_backward("cube_backward", cube_forward, cube_backward)
    assert _line(capsys).startswith("PASS cube_backward: dx matches the expected values")
    checks.check_gradients(cube_forward, cube_backward)
    assert _line(capsys).startswith("PASS cube_backward: gradients match central differences (dx error ")
    checks.check_gradients(cube_forward, cube_backward, np.array([0.5, -1.0]))
    assert _line(capsys).startswith("PASS cube_backward: gradients match")
    checks.check_outputs("mean_square", lambda x: float(np.mean(x * x)))
    assert _line(capsys).startswith("PASS mean_square: output matches")
    checks.check_outputs("scale_forward", lambda x, *, factor: (factor * x, factor))
    assert _line(capsys).startswith("PASS scale_forward")


def test_not_implemented(checks, capsys):
    checks.check_outputs("cube_forward", stub)
    assert _line(capsys) == "NOT IMPLEMENTED YET cube_forward"
    checks.check_backward("cube_backward", stub, stub)
    assert _line(capsys) == "NOT IMPLEMENTED YET cube_backward: implement cube_forward first"
    checks.check_backward("cube_backward", cube_forward, stub)
    assert _line(capsys) == "NOT IMPLEMENTED YET cube_backward"
    checks.check_gradients(cube_forward, stub, np.ones(2))
    assert _line(capsys) == "NOT IMPLEMENTED YET stub"
    checks.check_gradients(stub, cube_backward)
    assert _line(capsys) == "NOT IMPLEMENTED YET cube_backward: implement stub first"


@pytest.mark.parametrize("forward, reason", [
    (lambda x: (x[:1] ** 3, x), "out has the wrong shape: got (1, 3), expected (2, 3)"),
    (lambda x: (x ** 3 + (x == 3.0) * 1.0, x), "out is wrong at 1 of 6 entries: max abs error 1 at index (1, 1) "
                                               "(got 28, expected 27)"),
    (lambda x: (np.where(x > 2, np.nan, x ** 3), x), "out is nan at index (1, 1) (expected 27)"),
    (lambda x: x ** 3, "should return (out, cache), a tuple of 2 items; got ndarray"),
    (lambda x: (None, x), "out is None (a missing return statement?)"),
    (lambda x: ((x ** 3, x), x), "out is a tuple, expected an array of shape (2, 3)"),
    (lambda x: (np.full(x.shape, "a"), x), "out has dtype <U1, expected numbers"),
])
def test_fail_lines_give_the_reason(checks, capsys, forward, reason):
    checks.check_outputs("cube_forward", forward)
    assert _line(capsys).startswith(f"FAIL cube_forward: {reason}")


def test_input_changed_in_place(checks, capsys):
    def forward(x):
        x **= 3
        return x, x

    checks.check_outputs("cube_forward", forward)
    assert _line(capsys).startswith("FAIL cube_forward: changed its input x in place")


def test_overflow_warning_fails_even_with_right_values(checks, capsys):
    def forward(x):
        np.exp(np.array(1000.0))
        return x ** 3, x

    checks.check_outputs("cube_forward", forward)
    assert _line(capsys) == ("FAIL cube_forward: the values are right but numpy warned 'overflow encountered in "
                             "exp': use a numerically stable formula")


def test_wrong_backward(checks, capsys):
    def cube_backward(dout, x):
        return 2.0 * x * dout

    checks.check_backward("cube_backward", cube_forward, cube_backward)
    assert _line(capsys).startswith("FAIL cube_backward: dx is wrong at ")
    checks.check_gradients(cube_forward, cube_backward)
    assert _line(capsys).startswith("FAIL cube_backward: dx disagrees with central differences: error ")
    checks.check_gradients(lambda x, w: (x * w, (x, w)), lambda dout, c: dout * c[1], np.ones(2), np.ones(2))
    assert _line(capsys) == "FAIL <lambda>: returned 1 gradient(s), expected 2 (dx, dw)"


def test_other_exceptions_are_one_error_line(checks, capsys):
    def forward(x):
        return x + "a", x

    checks.check_outputs("cube_forward", forward)
    line = _line(capsys)
    assert line.startswith("ERROR cube_forward: UFuncTypeError: ") or line.startswith("ERROR cube_forward: TypeError")
    assert "in forward)" in line and "Traceback" not in line
    checks.check_outputs("no_such_function", cube_forward)
    assert _line(capsys).startswith("ERROR no_such_function: the check itself failed: LookupError: no stored inputs")


def test_skip_if_not_implemented(checks, capsys):
    with checks.skip_if_not_implemented():
        stub()
        print("not reached")
    assert _line(capsys) == "SKIPPED this experiment for now: implement cube_forward first"


def test_an_experiment_that_fails_otherwise_is_one_line_too(checks, capsys):
    def wrong_structure(x):
        return x  # no cache

    def plot_curve():
        out, cache = wrong_structure(np.zeros(3))

    with checks.skip_if_not_implemented():
        plot_curve()
    assert _line(capsys) == ("SKIPPED this experiment: it stopped with ValueError in plot_curve: too many values to "
                             "unpack (expected 2); make that function pass its checks first")


def test_an_interrupted_experiment_leaves_no_empty_figure(checks, capsys):
    plt = pytest.importorskip("matplotlib.pyplot")
    with checks.skip_if_not_implemented():
        plt.figure()
        stub()
    assert plt.get_fignums() == []
    assert _line(capsys) == "SKIPPED this experiment for now: implement cube_forward first"


def test_released_helper_uses_only_numpy_and_the_standard_library():
    tree = ast.parse(CHECKS_MODULE.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "numpy", *sys.stdlib_module_names}
    assert "reference" not in CHECKS_MODULE.read_text()
