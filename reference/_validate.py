"""Argument checks shared by the reference: a wrong shape is a ValueError naming the argument,
the shape received and the shape expected.

An expected shape (a *spec*) is a tuple whose entries are ints (must match), None (any size)
or strings (a named size that must agree across the arguments of one call; ``"4*H"`` is four
times the size named H); a spec ending in
``...`` accepts any trailing dimensions.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

Spec = tuple


def _describe(spec: Spec) -> str:
    parts = ["..." if e is Ellipsis else "*" if e is None else str(e) for e in spec]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_shape(name: str, value, spec: Spec, sizes: dict[str, int] | None = None) -> None:
    """Raise ValueError unless ``value``'s shape matches ``spec``; named sizes are bound in ``sizes``."""
    shape = tuple(np.shape(value))
    sizes = {} if sizes is None else sizes
    open_ended = bool(spec) and spec[-1] is Ellipsis
    head = spec[:-1] if open_ended else spec
    if len(shape) < len(head) or (not open_ended and len(shape) != len(head)):
        raise ValueError(f"{name}: expected shape {_describe(spec)}, got shape {shape}")
    for got, want in zip(shape, head):
        if want is None:
            continue
        if isinstance(want, str) and "*" in want:
            factor, _, size_name = want.partition("*")
            if size_name not in sizes and got % int(factor) == 0:
                sizes[size_name] = got // int(factor)
            if sizes.get(size_name, -1) * int(factor) != got:
                raise ValueError(f"{name}: expected shape {_describe(spec)} with {size_name}={sizes.get(size_name)}, "
                                 f"got shape {shape}")
        elif isinstance(want, str):
            bound = sizes.setdefault(want, got)
            if bound != got:
                raise ValueError(f"{name}: expected shape {_describe(spec)} with {want}={bound}, got shape {shape}")
        elif got != want:
            raise ValueError(f"{name}: expected shape {_describe(spec)}, got shape {shape}")


def check_same_shape(name: str, value, like_name: str, like) -> None:
    """Raise ValueError unless ``value`` has the same shape as ``like``."""
    if np.shape(value) != np.shape(like):
        raise ValueError(
            f"{name}: expected shape {tuple(np.shape(like))} (the shape of {like_name}), got shape {tuple(np.shape(value))}")


def shapes(**specs: Spec):
    """Decorator: check the named arguments' shapes before the call.

    ``@shapes(x=("N", "D"), w=("D", "M"), b=("M",))`` binds N, D, M across the arguments;
    ``@shapes(dw="w")`` requires dw to have the same shape as the argument w.
    Arguments that are None are not checked. The notebook build strips ``@shapes`` lines,
    so a graded function's body must not rely on the check having run.
    """

    def decorate(fn):
        signature = inspect.signature(fn)
        unknown = set(specs) - set(signature.parameters)
        if unknown:
            raise TypeError(f"@shapes on {fn.__name__}: no parameter(s) {sorted(unknown)}")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind_partial(*args, **kwargs).arguments
            sizes: dict[str, int] = {}
            for name, spec in specs.items():
                if bound.get(name) is None:
                    continue
                if isinstance(spec, str):
                    if bound.get(spec) is not None:
                        check_same_shape(name, bound[name], spec, bound[spec])
                else:
                    check_shape(name, bound[name], spec, sizes)
            return fn(*args, **kwargs)

        wrapper.__shape_specs__ = specs
        return wrapper

    return decorate
