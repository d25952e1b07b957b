"""Step 9, expected values: run the reference on the instructor's fixed inputs and store inputs
and outputs for the released ``nnf_checks`` (as ``expected.npz``).

    load_check_inputs(path, *, label) -> dict          the CHECKS table of assignments/<slug>/checks.py
    compute_expected(nb, tasks, checks, *, tolerances) -> dict[str, np.ndarray]

``checks.py`` (never released) defines ``CHECKS = {function name: entry}``; an entry has

    args            list: positional arguments (for a backward: its forward's arguments)
    kwargs          dict, optional: keyword arguments
    dout            backward only, optional: the upstream gradient (default: fixed random normal)
    gradcheck_args  backward only, optional: inputs for check_gradients (default: args), e.g.
                    away from a kink where central differences are meaningless
    labels          optional: names of the outputs in messages (default out / dx, dalpha / output)

``name_backward`` pairs with ``name_forward`` of the same assignment. Arrays are stored in the
npz; Python scalars, strings and None travel in ``__spec__``, a JSON string member that says
how to rebuild each call (layout documented in nnf_checks.py's readers).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from nbformat import NotebookNode

from grader.build.cells import info, origin
from grader.build.errors import BuildError
from grader.suggest import did_you_mean
from grader.build.tasks import Task
from grader.tolerance import Tolerance

ENTRY_KEYS = ("args", "kwargs", "dout", "gradcheck_args", "labels")
BACKWARD_ONLY = ("dout", "gradcheck_args")
SPEC_VERSION = 1


def load_check_inputs(path: Path, *, label: str) -> dict:
    """Run checks.py in a private namespace and return its CHECKS dict."""
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location("_nnf_check_inputs", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # an instructor's file: say which and why, in one line
        raise BuildError(f"{label}: failed to run: {type(exc).__name__}: {exc}") from None
    checks = getattr(module, "CHECKS", None)
    if not isinstance(checks, dict):
        raise BuildError(f"{label}: must define CHECKS = {{function name: {{'args': [...]}}, ...}}")
    return checks


class _Store:
    """Collects arrays under keys and returns the JSON reference to each value."""

    def __init__(self, where: str):
        self.arrays: dict[str, np.ndarray] = {}
        self.where = where

    def value(self, key: str, value) -> dict:
        if value is None or isinstance(value, (bool, int, float, str)):
            return {"value": value}
        if isinstance(value, (np.ndarray, np.generic)):
            array = np.array(value, copy=True)
            if array.dtype.kind not in "biuf":
                raise BuildError(f"{self.where}: {key}: arrays must be numeric, got dtype {array.dtype}")
            self.arrays[key] = array
            return {"array": key}
        raise BuildError(f"{self.where}: {key}: cannot store a {type(value).__name__} "
                         f"(use arrays, numbers, strings, True/False or None)")

    def output(self, key: str, value) -> str:
        array = np.asarray(value) if value is not None else None
        if array is None or array.dtype.kind not in "biuf":
            raise BuildError(f"{self.where}: {key}: the reference returned {type(value).__name__}, "
                             f"which a visible check cannot compare (numbers or arrays only)")
        self.arrays[key] = np.array(array, copy=True)
        return key


def _params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def _call_spec(store: _Store, name: str, entry: dict, field: str, function) -> dict:
    values = entry[field]
    params = _params(function)
    refs = []
    for i, value in enumerate(values):
        ref = store.value(f"{name}.{field}.{i}", value)
        refs.append({**ref, "name": params[i] if i < len(params) else f"argument {i}"})
    return {field: refs}


def _labels(entry: dict, count: int, default: Sequence[str]) -> list[str]:
    labels = list(entry.get("labels") or default)
    return labels if len(labels) == count else [f"output[{i}]" for i in range(count)]


def _entry(name: str, entry, tasks: Mapping[str, Task], store: _Store) -> dict:
    at = f"{store.where}: CHECKS[{name!r}]"
    if not isinstance(entry, dict):
        raise BuildError(f"{at}: expected a dict with 'args', got {type(entry).__name__}")
    for key in entry:
        if key not in ENTRY_KEYS:
            raise BuildError(f"{at}: unknown key {key!r}{did_you_mean(key, ENTRY_KEYS)}")
    if not isinstance(entry.get("args"), (list, tuple)):
        raise BuildError(f"{at}: 'args' must be a list of arguments")
    kwargs = entry.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise BuildError(f"{at}: 'kwargs' must be a dict")
    task = tasks[name]
    backward = name.endswith("_backward")
    misplaced = [key for key in BACKWARD_ONLY if key in entry and not backward]
    if misplaced:
        raise BuildError(f"{at}: {misplaced[0]!r} is for backward functions only")
    entry = {**entry, "args": list(entry["args"]), "kwargs": kwargs,
             "gradcheck_args": list(entry.get("gradcheck_args", entry["args"]))}

    try:
        if not backward:
            function = task.reference.function
            spec = _call_spec(store, name, entry, "args", function)
            result = function(*entry["args"], **kwargs)
            if name.endswith("_forward"):
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise BuildError(f"{at}: {task.reference.path} does not return (out, cache)")
                layout, outputs, default = "pair", [result[0]], ["out"]
            elif isinstance(result, tuple):
                layout, outputs, default = "tuple", list(result), []
            else:
                layout, outputs, default = "single", [result], ["output"]
            extra = {}
        else:
            forward_name = name[: -len("_backward")] + "_forward"
            if forward_name not in tasks:
                raise BuildError(f"{at}: a backward needs its forward {forward_name} in the same assignment")
            forward = tasks[forward_name].reference.function
            spec = _call_spec(store, name, entry, "args", forward)
            spec.update(_call_spec(store, name, entry, "gradcheck_args", forward))
            out, cache = forward(*entry["args"], **kwargs)
            dout = entry.get("dout")
            if dout is None:
                dout = np.random.default_rng(zlib.crc32(name.encode())).standard_normal(np.shape(out))
            if np.shape(dout) != np.shape(out):
                raise BuildError(f"{at}: dout has shape {np.shape(dout)}, the forward's output {np.shape(out)}")
            grads = task.reference.function(np.array(dout, dtype=np.float64), cache)
            layout = "tuple" if isinstance(grads, tuple) else "single"
            outputs = list(grads) if isinstance(grads, tuple) else [grads]
            arrays = [ref["name"] for ref, v in zip(spec["args"], entry["args"])
                      if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
            default = ["d" + a for a in arrays]
            extra = {"forward": forward_name, "dout": store.output(f"{name}.dout", dout)}
    except BuildError:
        raise
    except Exception as exc:
        raise BuildError(f"{at}: the reference raised {type(exc).__name__}: {exc}") from None

    labels = _labels(entry, len(outputs), default)
    spec["kwargs"] = {key: store.value(f"{name}.kwargs.{key}", value) for key, value in sorted(kwargs.items())}
    spec["outputs"] = [[label, store.output(f"{name}.out.{i}", value)]
                       for i, (label, value) in enumerate(zip(labels, outputs))]
    spec["layout"] = layout
    return {**spec, **extra}


def compute_expected(nb: NotebookNode, tasks: Sequence[Task], checks: Mapping, *,
                     tolerances: Mapping[str, Tolerance], label: str = "checks.py") -> dict[str, np.ndarray]:
    """The arrays of expected.npz, including ``__spec__``; every function a check cell names
    must have an entry in ``checks``."""
    by_name = {task.name: task for task in tasks}
    for name in checks:
        if name not in by_name:
            raise BuildError(f"{label}: CHECKS[{name!r}]: not a graded function of "
                             f"{origin(nb)}{did_you_mean(str(name), by_name)}")
    for cell in nb.cells:
        meta = info(cell)
        if meta["kind"] == "check" and "task" in meta and meta["task"] not in checks:
            raise BuildError(f"{label}: CHECKS has no entry for {meta['task']}, which the check cell at "
                             f"{origin(nb)}:{meta['line']} tests")
    store = _Store(label)
    entries = {name: _entry(name, checks[name], by_name, store) for name in sorted(checks)}
    spec = {"version": SPEC_VERSION, "checks": entries,
            "tolerances": {kind: {"rtol": t.rtol, "atol": t.atol} for kind, t in sorted(tolerances.items())}}
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return {**store.arrays, "__spec__": np.array(text)}
