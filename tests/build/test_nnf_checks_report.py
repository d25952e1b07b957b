"""The released helper's public reporting pieces: report, expect_close, check_close, and the
progress table that runs every check again with the student's latest definitions."""

from __future__ import annotations

import numpy as np
import pytest


def _line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip()


def test_report_turns_each_outcome_into_one_line(checks, capsys):
    checks.report("f", lambda: "all good")
    assert _line(capsys) == "PASS f: all good"

    def failing():
        raise checks.CheckFailed("w is wrong")

    checks.report("f (case 2)", failing)
    assert _line(capsys) == "FAIL f (case 2): w is wrong"

    def stub():
        raise NotImplementedError("Task 01.f: implement f")

    checks.report("f", stub)
    assert _line(capsys) == "NOT IMPLEMENTED YET f"
    checks.report("f", lambda: 1 / 0)
    assert _line(capsys).startswith("ERROR f: ZeroDivisionError: division by zero (line ")

    def warns():
        return str(np.exp(np.array(1000.0)))

    checks.report("f", warns)
    assert _line(capsys) == "FAIL f: the values are right but numpy warned 'overflow encountered in exp': " \
                            "use a numerically stable formula"


@pytest.mark.parametrize("got, want, reason", [
    (None, [1.0], "x is None (a missing return statement?)"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], "x has the wrong shape: got (2,), expected (3,)"),
    ([1.0, 2.5], [1.0, 2.0], "x is [1.0, 2.5], expected [1.0, 2.0]"),
    (np.arange(10.0) + (np.arange(10) == 7), np.arange(10.0),
     "x is wrong at 1 of 10 entries, e.g. at index (7,): got 8, expected 7"),
    (np.array([0.0, 1.0]), [0, 1], "x holds floats, expected integers (e.g. int64 indices)"),
    ({"a": 1.0}, {"b": 1.0}, "x has the keys ['a'], expected ['b']"),
    ([np.array([1, 2]), np.array([3])], [[1, 2], [4]], "x[1] is [3], expected [4]"),
    (3, [[1, 2], [3]], "x is a int, expected a list or tuple of 2 items"),
    ([2.0], [1.0], "x matches a known mistake: doubled"),
])
def test_expect_close_names_the_first_difference(checks, got, want, reason):
    with pytest.raises(checks.CheckFailed) as caught:
        checks.expect_close("x", got, want, mistakes={"doubled": [2.0]} if reason.endswith("doubled") else None)
    assert str(caught.value) == reason


def test_expect_close_accepts_matches(checks):
    checks.expect_close("x", {"a": [np.array([1, 2]), np.array([3])], "b": 0.1 + 0.2},
                        {"a": [[1, 2], [3]], "b": 0.3})
    checks.expect_close("state", None, None)


def test_check_close(checks, capsys):
    checks.check_close("g", lambda: {"w": np.array([1.0, 2.0])}, {"w": [1.0, 2.0]})
    assert _line(capsys) == "PASS g: w as expected"
    checks.check_close("g", lambda: {"v": 1.0}, {"w": [1.0]})
    assert _line(capsys) == "FAIL g: no w in the result (keys: v)"


def test_show_progress_runs_every_check_again_with_the_latest_definitions(checks, capsys):
    namespace = {"np": np}
    exec("def cube_forward(x):\n    raise NotImplementedError('Task 01.cube_forward: implement cube_forward')\n",
         namespace)
    checks.check_outputs("cube_forward", namespace["cube_forward"])
    checks.report("scale_forward (by hand)", lambda: (_ for _ in ()).throw(checks.CheckFailed("out is wrong")))
    checks.report("not_a_task", lambda: "ignored")
    capsys.readouterr()
    # the student fixes cube_forward after its check ran: the table uses the new one
    exec("def cube_forward(x):\n    return x ** 3, x\n", namespace)
    checks.show_progress({"scale_forward": 1, "cube_forward": 2, "cube_backward": 0.5})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["task", "points", "visible", "checks"]
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in lines[2:5]}
    assert rows == {"scale_forward": ["1", "FAIL: out is wrong"], "cube_forward": ["2", "PASS"],
                    "cube_backward": ["0.5", "NOT CHECKED: run its check cell"]}
    assert lines[-2] == "Visible checks pass for 1 of 3 tasks (2 of 3.5 points)."
    assert "hidden tests" in lines[-1] and "decide your grade" in lines[-1]


def test_a_stub_shows_as_not_implemented_in_the_table(checks, capsys):
    def cube_backward(dout, cache):
        raise NotImplementedError("Task 01.cube_backward: implement cube_backward")

    def cube_forward(x):
        return x ** 3, x

    checks.check_backward("cube_backward", cube_forward, cube_backward)
    checks.check_gradients(cube_forward, cube_backward)
    capsys.readouterr()
    checks.show_progress({"cube_backward": 1})
    assert "cube_backward       1  NOT IMPLEMENTED" in capsys.readouterr().out


def _sgd(w, dw, state, *, lr):
    return w - lr * dw, {"step": (state or {"step": 0})["step"] + 1}


def test_check_update_rule_threads_the_state_and_names_the_failing_step(checks, capsys):
    w0, grad = np.array([1.0, 2.0]), (lambda step: np.full(2, float(step)))
    expected = [[0.9, 1.9], [0.7, 1.7]]
    checks.check_update_rule(_sgd, w0=w0, gradient=grad, expected=expected, keys=["step"], lr=0.1)
    assert _line(capsys) == "PASS _sgd(lr=0.1): w matches after each of 2 steps; state keys ['step']"

    def forgets(w, dw, state, *, lr):
        return (w - lr * dw if state is None else w - 2 * lr * dw), {"step": 1}

    checks.check_update_rule(forgets, w0=w0, gradient=grad, expected=expected, keys=["step"], lr=0.1)
    assert _line(capsys).startswith("FAIL forgets(lr=0.1): after step 2 of 2 (the steps before were right: "
                                    "check what the state carries), w is [0.5, 1.5], expected [0.7, 1.7]")

    def in_place(w, dw, state, *, lr):
        w -= lr * dw
        return w, {"step": 1}

    checks.check_update_rule(in_place, w0=w0, gradient=grad, expected=expected, keys=["step"], lr=0.1)
    assert _line(capsys) == "FAIL in_place(lr=0.1): step 1 changed its input w in place; build new arrays " \
                            "and a new dict instead"


def test_check_clip_grad_norm(checks, capsys):
    grads = [np.array([3.0, 4.0])]

    def clip(gs, max_norm):
        total = float(np.sqrt(sum(np.sum(g * g) for g in gs)))
        return [g * min(1.0, max_norm / total) for g in gs], total

    checks.check_clip_grad_norm(clip, grads, 1.0, expected=[[0.6, 0.8]], expected_norm=5.0)
    assert _line(capsys) == "PASS clip(max_norm=1.0): clipped gradients and total_norm match"
    checks.check_clip_grad_norm(lambda gs, m: gs, grads, 1.0, expected=[[0.6, 0.8]], expected_norm=5.0)
    assert _line(capsys) == "FAIL <lambda>(max_norm=1.0): should return (clipped, total_norm), a tuple of 2 items"


def test_a_wrapper_is_rerun_as_it_is_not_replaced_by_what_it_wraps(checks, capsys):
    namespace = {"np": np}
    exec("import functools\n"
         "def cube_forward(x):\n    return x, None  # wrong on purpose\n"
         "def wrap(fn):\n"
         "    @functools.wraps(fn)\n"
         "    def forward(x):\n        return x ** 3, x\n"
         "    return forward\n", namespace)
    wrapper = namespace["wrap"](namespace["cube_forward"])  # its __qualname__ is now "cube_forward"
    checks.check_outputs("cube_forward", wrapper)
    capsys.readouterr()
    checks.show_progress({"cube_forward": 1})
    assert "cube_forward       1  PASS" in capsys.readouterr().out
