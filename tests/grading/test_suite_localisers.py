"""The localisers that hidden suites add to their failures say only what is true: fed a near miss
(right where the claim would be wrong, or wrong by less than the claim says), they claim nothing.

The helpers live in the suites themselves (assignments/*/tests/), loaded here from their files."""

import ast
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from reference.pooling import maxpool2d_forward

ROOT = Path(__file__).resolve().parents[2]


def suite_helpers(relative: str, *names: str) -> SimpleNamespace:
    """Named top-level functions of a hidden-suite file, without importing the file (its pytest
    markers belong to the grader's own sessions): they need NumPy only."""
    tree = ast.parse((ROOT / relative).read_text())
    chosen = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    assert sorted(node.name for node in chosen) == sorted(names)
    namespace = {"np": np}
    for node in chosen:
        node.decorator_list = []
        exec(compile(ast.Module([node], type_ignores=[]), relative, "exec"), namespace)
    return SimpleNamespace(**{name: namespace[name] for name in names})


@pytest.fixture(scope="module")
def optimizers():
    return suite_helpers("assignments/04_optimizers/tests/conftest.py", "first_state_difference")


@pytest.fixture(scope="module")
def pooling():
    return suite_helpers("assignments/06_cnn/tests/test_pooling.py", "_misrouted", "_window_regions")


def adam_states(steps):
    return [{"step": k, "exp_avg": np.full(3, 0.1 * k), "exp_avg_sq": np.full(3, 0.01 * k)} for k in range(1, steps + 1)]


def test_the_first_state_entry_to_leave_the_reference_is_named(optimizers):
    expected = adam_states(3)
    frozen = [dict(s, step=1) for s in expected]  # the step count never advances
    assert optimizers.first_state_difference(frozen, expected) == (
        "the state returned at step 2 is the first to differ: state['step'] is 1, expected 2")
    moment = [dict(s) for s in expected]
    moment[2] = dict(moment[2], exp_avg=moment[2]["exp_avg"] + 1e-3)
    assert optimizers.first_state_difference(moment, expected) == (
        "the state returned at step 3 is the first to differ: state['exp_avg']")


def test_a_state_within_the_tolerance_or_of_other_keys_claims_nothing(optimizers):
    expected = adam_states(3)
    close = [dict(s, exp_avg=s["exp_avg"] * (1 + 1e-9)) for s in expected]
    assert optimizers.first_state_difference(close, expected) == ""
    renamed = [{"t": s["step"], "m": s["exp_avg"], "v": s["exp_avg_sq"]} for s in expected]
    assert optimizers.first_state_difference(renamed, expected) == ""
    assert optimizers.first_state_difference([None, None], expected[:2]) == ""


def pool_case(rng):
    x = rng.integers(-2, 3, size=(1, 2, 4, 4)).astype(float)
    out, cache = maxpool2d_forward(x, pool_height=2, pool_width=2, stride=2)
    return x, cache


def test_gradient_on_an_entry_that_is_no_windows_maximum_is_named(pooling, rng):
    x, cache = pool_case(rng)
    _, argmax, ph, pw, stride = cache
    dx = np.zeros_like(x)
    k, l = divmod(int(argmax[0, 0, 0, 0]), pw)
    dx[0, 0, 1 - k, 1 - l] = 1.0  # the opposite corner of the first window: never its first maximum
    assert "1 entries of dx get gradient although they are no window's (first) maximum (first at [0, 0, " \
           f"{1 - k}, {1 - l}])" in pooling._misrouted(dx, x, cache)


def test_a_wrong_amount_at_the_right_entries_is_not_called_misrouted(pooling, rng):
    x, cache = pool_case(rng)
    _, argmax, ph, pw, stride = cache
    dx = np.zeros_like(x)
    for i in range(argmax.shape[2]):
        for j in range(argmax.shape[3]):
            for c in range(x.shape[1]):
                k, l = divmod(int(argmax[0, c, i, j]), pw)
                dx[0, c, i * stride + k, j * stride + l] = 7.0  # right places, wrong values
    assert pooling._misrouted(dx, x, cache) == ""
    assert pooling._misrouted(np.zeros((2, 2)), x, cache) == ""  # another shape: no claim


def test_window_regions_name_ties_and_shared_entries_only_where_they_are(pooling):
    x = np.array([[[[1.0, 1.0, 0.0], [0.0, 0.0, 2.0], [3.0, 0.0, 1.0]]]])
    regions = pooling._window_regions(x, 2, 2, 1)
    tied, shared = regions.values()
    # Windows at (0, 0) [1, 1; 0, 0] and (1, 1) [0, 2; 0, 1]: the first has a tie, the second not.
    assert tied[0, 0, 0, 0] and tied[0, 0, 1, 1] and not tied[0, 0, 2, 2]
    assert shared[0, 0, 1, 1] and not shared[0, 0, 0, 0]
