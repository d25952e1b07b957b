from __future__ import annotations

import json

import numpy as np
import pytest

from grader.build.errors import BuildError
from grader.build.expected import compute_expected, load_check_inputs
from grader.tolerance import Tolerance

TOL = {"values": Tolerance(1e-6, 1e-8), "gradients": Tolerance(1e-5, 1e-7)}
X = np.array([[1.0, -2.0], [0.5, 3.0]])


def _expected(toy_cells, toy_tasks, checks):
    arrays = compute_expected(toy_cells, toy_tasks, checks, tolerances=TOL)
    return json.loads(str(arrays.pop("__spec__"))), arrays


def test_forward_backward_and_plain_function(toy_cells, toy_tasks, toy_assignment):
    checks = load_check_inputs(toy_assignment.checks, label="checks.py")
    spec, arrays = _expected(toy_cells, toy_tasks, checks)
    assert spec["tolerances"] == {"gradients": {"atol": 1e-7, "rtol": 1e-5}, "values": {"atol": 1e-8, "rtol": 1e-6}}
    x = checks["cube_forward"]["args"][0]

    forward = spec["checks"]["scale_forward"]
    assert forward["layout"] == "pair"
    assert forward["args"] == [{"array": "scale_forward.args.0", "name": "x"}]
    assert forward["kwargs"] == {"factor": {"value": 3.0}}
    np.testing.assert_array_equal(arrays[forward["outputs"][0][1]], 3.0 * x)

    backward = spec["checks"]["cube_backward"]
    assert backward["forward"] == "cube_forward" and backward["layout"] == "single"
    assert backward["outputs"] == [["dx", "cube_backward.out.0"]]
    np.testing.assert_array_equal(arrays["cube_backward.dout"], np.ones_like(x))
    np.testing.assert_array_equal(arrays["cube_backward.out.0"], 3.0 * x * x)  # d(x^3) with dout = 1
    np.testing.assert_array_equal(arrays["cube_backward.gradcheck_args.0"], x + 0.25)

    default_dout = spec["checks"]["scale_backward"]["dout"]
    np.testing.assert_array_equal(arrays["scale_backward.out.0"], 3.0 * arrays[default_dout])

    plain = spec["checks"]["mean_square"]
    assert plain["layout"] == "single" and plain["outputs"] == [["output", "mean_square.out.0"]]
    assert float(arrays["mean_square.out.0"]) == pytest.approx(np.mean(x * x))


def test_same_inputs_same_arrays(toy_cells, toy_tasks, toy_assignment):
    checks = load_check_inputs(toy_assignment.checks, label="checks.py")
    a = compute_expected(toy_cells, toy_tasks, checks, tolerances=TOL)
    b = compute_expected(toy_cells, toy_tasks, checks, tolerances=TOL)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _all(**override):
    checks = {"scale_forward": {"args": [X]}, "scale_backward": {"args": [X]}, "cube_backward": {"args": [X]},
              "mean_square": {"args": [X]}}
    checks.update(override)
    return checks


@pytest.mark.parametrize("checks, message", [
    (_all(cube_froward={"args": [X]}), r"CHECKS\['cube_froward'\]: not a graded function of 01_toy\.py "
                                        r"\(did you mean cube_forward\?\)"),
    ({"scale_forward": {"args": [X]}}, r"CHECKS has no entry for scale_backward, which the check cell at "
                                       r"01_toy\.py:\d+ tests"),
    (_all(mean_square={"args": [X], "dout": X}), r"CHECKS\['mean_square'\]: 'dout' is for backward functions only"),
    (_all(mean_square={"arg": [X]}), r"CHECKS\['mean_square'\]: unknown key 'arg' \(did you mean args\?\)"),
    (_all(mean_square={"args": X}), r"'args' must be a list"),
    (_all(mean_square={"args": [[1.0, 2.0]]}), r"mean_square\.args\.0: cannot store a list"),
    (_all(scale_forward={"args": [np.ones(3)]}), r"CHECKS\['scale_forward'\]: the reference raised ValueError: x"),
    (_all(cube_backward={"args": [X], "dout": np.ones(3)}), r"dout has shape \(3,\), the forward's output \(2, 2\)"),
])
def test_bad_check_inputs(toy_cells, toy_tasks, checks, message):
    with pytest.raises(BuildError, match=message):
        compute_expected(toy_cells, toy_tasks, checks, tolerances=TOL)


def test_checks_file_errors(tmp_path):
    assert load_check_inputs(tmp_path / "absent.py", label="x") == {}
    (tmp_path / "a.py").write_text("CHECKS = [1]\n")
    with pytest.raises(BuildError, match=r"^a\.py: must define CHECKS"):
        load_check_inputs(tmp_path / "a.py", label="a.py")
    (tmp_path / "b.py").write_text("1 / 0\n")
    with pytest.raises(BuildError, match=r"^b\.py: failed to run: ZeroDivisionError"):
        load_check_inputs(tmp_path / "b.py", label="b.py")
