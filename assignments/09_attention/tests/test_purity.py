"""Hidden tests, every graded function: float64 in gives float64 out, and inputs are never
modified (every array argument, the mask and the arrays inside a cache tuple are compared by the
worker before and after the call; a backward called twice on one cache must give the same
gradients, which also catches a cache changed in place deeper inside). causal_mask takes no
array and returns a boolean one: its dtype is tested in test_attention.py.
"""

import numpy as np
import pytest

from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "causal_mask": {"dtype": "returns a boolean mask: no float output (test_causal_mask requires dtype bool)",
                    "purity": "takes no array argument (one int, T)"},
    "positional_encoding": {"purity": "takes no array argument (the ints T and D and a float base)"},
}


def _mask(n, t):
    keys = np.arange(t)[None, :] < np.array([t - 1] + [t] * (n - 1))[:, None]
    return np.broadcast_to(keys[:, None, :], (n, t, t)).copy()


def _inputs(name, rng):
    """(args, kwargs) of one call; a backward gets its forward's."""
    r = rng.standard_normal
    if name.startswith("softmax"):
        return [r((3, 4, 2))], {"axis": 1}
    if name.startswith("attention"):
        return [r((2, 3, 4)), r((2, 5, 4)), r((2, 5, 2)), _mask(2, 5)[:, :3]], {}
    if name == "split_heads":
        return [r((2, 3, 6)), 3], {}
    if name == "merge_heads":
        return [r((2, 3, 4, 2))], {}
    if name.startswith("multihead"):
        return [r((3, 4, 6)), r((6, 18)) / 3, r(18), r((6, 6)) / 3, r(6)], {"num_heads": 2, "mask": _mask(3, 4)}
    if name == "positional_encoding":
        return [5, 6], {}
    if name.startswith("layernorm"):
        return [r((6, 5)), r(5), r(5)], {}
    raise KeyError(name)


FORWARDS = {"softmax_forward": "out, cache", "attention_forward": "out, cache", "split_heads": None,
            "merge_heads": None, "multihead_attention_forward": "out, cache", "positional_encoding": None,
            "layernorm_forward": "out, cache"}
BACKWARDS = {"softmax_backward": "dx", "attention_backward": "dq, dk, dv",
             "multihead_attention_backward": "dx, dw_qkv, db_qkv, dw_o, db_o",
             "layernorm_backward": "dx, dgamma, dbeta"}


def _task(name):
    return pytest.param(name, marks=getattr(pytest.mark, f"task09_{name}"), id=name)


def _outputs(result, name, parts):
    if parts is None or "," not in parts:
        return {parts or "output": result}
    values = returned(result, name, parts)
    return {label.strip(): value for label, value in zip(parts.split(","), values) if label.strip() != "cache"}


def _require_float64(outputs, name):
    for label, value in outputs.items():
        dtype = np.asarray(value).dtype
        if dtype != np.float64:
            raise GradeFailure(f"{name}: {label} has dtype {dtype} for float64 inputs; keep float64")


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("name", [_task(n) for n in FORWARDS])
def test_forward_float64(student, ref, rng, expect, name):
    """float64 inputs give float64 outputs (with the right values)"""
    args, kwargs = _inputs(name, rng)
    result = _outputs(getattr(student, name)(*args, **kwargs), name, FORWARDS[name])
    _require_float64(result, name)
    # The same test checks the values: a constant of the right dtype earns nothing here.
    expected = _outputs(getattr(ref, name)(*args, **kwargs), name, FORWARDS[name])
    for label, value in result.items():
        expect(value, expected[label], name=label)


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("name", [_task(n) for n in FORWARDS if n != "positional_encoding"])
def test_forward_inputs_untouched(student, ref, rng, expect, name):
    """the inputs (every array, the mask too) are not modified, and the output is right"""
    args, kwargs = _inputs(name, rng)
    result = _outputs(getattr(student, name)(*args, **kwargs), name, FORWARDS[name])
    expected = _outputs(getattr(ref, name)(*args, **kwargs), name, FORWARDS[name])
    for label, value in result.items():
        expect(value, expected[label], name=label)


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("name", [_task(n) for n in BACKWARDS])
def test_backward_float64(student, ref, rng, expect, own_cache, name):
    """float64 inputs give float64 gradients (with the right values)"""
    args, kwargs = _inputs(name, rng)
    forward_name = name.replace("_backward", "_forward")
    out, reference_cache = getattr(ref, forward_name)(*args, **kwargs)
    dout = rng.standard_normal(out.shape)
    result = _outputs(getattr(student, name)(dout, own_cache(forward_name, *args, **kwargs)), name, BACKWARDS[name])
    _require_float64(result, name)
    # The same test checks the values: constants of the right dtype earn nothing here.
    expected = _outputs(getattr(ref, name)(dout, reference_cache), name, BACKWARDS[name])
    for label, value in result.items():
        expect(value, expected[label], name=label, kind="gradients")


@pytest.mark.weight(0.5)
@pytest.mark.parametrize("name", [_task(n) for n in BACKWARDS])
def test_backward_pure(student, ref, rng, expect, own_cache, name):
    """dout and your cache are not modified: a second call on the same cache gives the same gradients"""
    args, kwargs = _inputs(name, rng)
    forward_name = name.replace("_backward", "_forward")
    out, reference_cache = getattr(ref, forward_name)(*args, **kwargs)
    cache = own_cache(forward_name, *args, **kwargs)
    backward = getattr(student, name)
    dout = rng.standard_normal(out.shape)
    first = _outputs(backward(dout, cache), name, BACKWARDS[name])
    second = _outputs(backward(dout, cache), name, BACKWARDS[name])
    for label, value in first.items():
        again = np.asarray(second[label])
        if again.shape != np.shape(value) or not np.array_equal(again, np.asarray(value), equal_nan=True):
            raise GradeFailure(f"a second call of {name} on the same cache gave a different {label}: your backward "
                               f"changes its cache in place (compute into new arrays)")
    expected = _outputs(getattr(ref, name)(dout, reference_cache), name, BACKWARDS[name])
    for label, value in first.items():
        expect(value, expected[label], name=label, kind="gradients")
