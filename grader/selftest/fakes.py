"""Generic fake submissions for the self-test: functions that do nothing, which a hidden suite
must pay nothing.

    fake_module(reference_source, functions, kind) -> the source of a submission

Every graded function is replaced, from its own signature (the reference's ``def`` line, the
same as the student's stub), by a fake of one ``kind``:

- ``zeros`` / ``ones``: the reference's output with every number replaced by 0 / 1 (same
  structure, shapes and dtypes: the strongest constant a function can return, so a property
  test that a constant passes shows up here);
- ``raises``: raises ``ValueError`` whatever it is given (passes no "raises ValueError when
  ..." test that also checks when it must not raise);
- ``identity``: returns its input: each output array is a copy of the first argument array of
  the same shape (zeros when there is none), each output number the first number argument.

and contract fakes, right but for one part of the contract (``grader.suite.contract``):

- ``float32``: the reference's output with every float64 array cast to float32;
- ``mutates``: the reference's output, after changing every array in the arguments in place;
- ``warns``: the reference's output, after ``np.exp(1000.0)`` overflows (a RuntimeWarning).

The fakes compute the output's structure with the reference, kept in a namespace of its own
(the fake ``mlp_forward`` must not leak into the reference ``sgd_epoch``); whatever the
reference cannot compute (an input that it rejects), a fake answers with a plain 0.0 (or its
first argument), never with the reference's exception.
"""

from __future__ import annotations

import ast
import copy

CONTRACT_FAKES: dict[str, tuple[str, str, str]] = {
    "float32": ("dtype", "every graded function returns the right values as float32 arrays", "float32"),
    "mutates": ("purity", "every graded function returns the right result, then changes its array arguments "
                          "in place (inside lists, dicts and objects too)", "changed its input"),
    "warns": ("warnings", "every graded function returns the right result after an exp that overflows "
                          "(a RuntimeWarning, as an unstable formula gives)", "emitted a warning"),
}
"""Fakes that break one part of the contract (``grader.suite.contract``) and nothing else:
kind -> (contract part, description, the feedback words every function's tests must show)."""

FAKE_KINDS: dict[str, str] = {
    "zeros": "every graded function returns its output's structure filled with zeros",
    "ones": "every graded function returns its output's structure filled with ones",
    "raises": "every graded function raises ValueError whatever it is given",
    "identity": "every graded function returns its input (output arrays are copies of same-shape inputs)",
}

_PRELUDE = '''

# ---- self-test fakes: generated, every graded function does nothing ----
import copy as _nnf_copy

import numpy as _nnf_np

_NNF_REFERENCE = {}
exec(compile(%(source)r, "<reference>", "exec"), _NNF_REFERENCE)


def _nnf_leaves(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _nnf_leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _nnf_leaves(item)
    else:
        yield value


def _nnf_number(value):
    return isinstance(value, (int, float, _nnf_np.number, _nnf_np.bool_)) and not isinstance(value, bool)


def _nnf_replace(value, array, number):
    if isinstance(value, _nnf_np.ndarray) and value.dtype.kind in "biufc":
        return array(value)
    if isinstance(value, (bool, _nnf_np.bool_)):
        return bool(number(value))
    if _nnf_number(value):
        return type(value)(number(value))
    if isinstance(value, tuple):
        return tuple(_nnf_replace(item, array, number) for item in value)
    if isinstance(value, list):
        return [_nnf_replace(item, array, number) for item in value]
    if isinstance(value, dict):
        return {key: _nnf_replace(item, array, number) for key, item in value.items()}
    return value


def _nnf_single(value):
    if isinstance(value, _nnf_np.ndarray) and value.dtype == _nnf_np.float64:
        return value.astype(_nnf_np.float32)
    return value


def _nnf_change(value, depth=0):
    if isinstance(value, _nnf_np.ndarray):
        if value.flags.writeable and value.size and value.dtype.kind in "biufc":
            if value.dtype.kind == "b":
                value ^= True
            else:
                value += 1
        return
    if depth >= 4:
        return
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
    else:
        items = list(getattr(value, "__dict__", {}).values())
    for item in items:
        _nnf_change(item, depth + 1)


def _nnf_fake(name, kind, args, kwargs):
    if kind == "float32":
        return _nnf_replace(_NNF_REFERENCE[name](*args, **kwargs), _nnf_single, lambda n: n)
    if kind == "mutates":
        # The result from copies: an output (or a cache) that shares memory with an argument
        # would change too, and the next function would fail for that, not for this one.
        output = _NNF_REFERENCE[name](*_nnf_copy.deepcopy(args), **_nnf_copy.deepcopy(kwargs))
        _nnf_change((list(args), kwargs))
        return output
    if kind == "warns":
        _nnf_np.exp(_nnf_np.array([1000.0]))  # overflows to inf, with numpy's RuntimeWarning
        return _NNF_REFERENCE[name](*args, **kwargs)
    if kind == "raises":
        raise ValueError("invalid input")
    inputs = list(_nnf_leaves((list(args), kwargs)))
    try:
        output = _NNF_REFERENCE[name](*args, **kwargs)
    except Exception:
        output = 0.0 if kind != "identity" or not args else args[0]
        if kind == "identity":
            return output
    if kind in ("zeros", "ones"):
        fill = 0 if kind == "zeros" else 1
        return _nnf_replace(output, lambda a: _nnf_np.full_like(a, fill), lambda n: fill)

    def same_shape(array):
        for item in inputs:
            if isinstance(item, _nnf_np.ndarray) and item.shape == array.shape and item.dtype.kind in "biufc":
                return item.astype(array.dtype, copy=True)
        return _nnf_np.zeros_like(array)

    numbers = [item for item in inputs if _nnf_number(item)]
    return _nnf_replace(output, same_shape, lambda n: numbers[0] if numbers else 0)
'''


def _call_arguments(arguments: ast.arguments) -> str:
    """``(args, kwargs)`` of a call that passes a def's parameters on exactly as it got them."""
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    star = f"*{arguments.vararg.arg}" if arguments.vararg else ""
    keywords = [f"{a.arg!r}: {a.arg}" for a in arguments.kwonlyargs]
    args = "(" + "".join(f"{p}, " for p in positional) + (f"{star}," if star else "") + ")"
    kwargs = "{" + ", ".join(keywords) + (f", **{arguments.kwarg.arg}" if arguments.kwarg and keywords
                                          else f"**{arguments.kwarg.arg}" if arguments.kwarg else "") + "}"
    return f"{args}, {kwargs}"


def fake_definitions(reference_source: str, functions: list[str], kind: str) -> str:
    """A ``def`` per graded function, with the reference's signature and a fake body."""
    if kind not in FAKE_KINDS and kind not in CONTRACT_FAKES:
        raise ValueError(f"unknown fake kind {kind!r}; known: {', '.join([*FAKE_KINDS, *CONTRACT_FAKES])}")
    defs = {node.name: node for node in ast.parse(reference_source).body if isinstance(node, ast.FunctionDef)}
    missing = [name for name in functions if name not in defs]
    if missing:
        raise ValueError(f"the reference solution defines no {', '.join(missing)}")
    pieces = []
    for name in functions:
        original = defs[name]
        body = ast.parse(f"return _nnf_fake({name!r}, {kind!r}, {_call_arguments(original.args)})").body
        fake = copy.copy(original)
        fake.body, fake.decorator_list, fake.returns = body, [], None
        pieces.append(ast.unparse(ast.fix_missing_locations(fake)))
    return "\n\n\n".join(pieces) + "\n"


def fake_module(reference_source: str, functions: list[str], kind: str) -> str:
    """A whole submission: the reference solution (for its setup), the fakes' helpers, the fakes."""
    return (reference_source + _PRELUDE % {"source": reference_source} + "\n\n"
            + fake_definitions(reference_source, functions, kind))
