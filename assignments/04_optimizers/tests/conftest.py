"""Shared helpers of the 04_optimizers hidden suite.

    follow(name, reference, w0, grads, hyper, mistakes=...) -> the student's last state
        runs the student's rule for len(grads) steps, feeding back the state it returns (plain
        data, or a handle when it cannot be encoded: passed back just the same), and compares w
        after every step with the reference's trajectory on the same gradients; a known mistake
        is named when the student's w matches that mistake's trajectory.
    check_state(got, reference, w0, grads, hyper, mistakes=...) compares a returned state with
        the reference's after the same steps, key by key.

The gradients are fixed in advance (they do not depend on w), so the reference and every
known mistake follow their own trajectories and the student's w after step k is compared with
theirs after step k.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite.returns import returned
from grader.worker.protocol import Handle


def per_step(hyper, steps: int) -> list[dict]:
    """One dict of hyperparameters per step: the same dict, or the given list."""
    return list(hyper) if isinstance(hyper, (list, tuple)) else [dict(hyper)] * steps


def simulate(rule, w0, grads, hyper) -> list[np.ndarray]:
    """w after each step of a NumPy rule (the reference or a known mistake)."""
    w, state, path = np.array(w0, dtype=np.float64), None, []
    with np.errstate(all="ignore"):
        for dw, h in zip(grads, per_step(hyper, len(grads))):
            w, state = rule(w, dw, state, **h)
            path.append(np.asarray(w))
    return path


@pytest.fixture
def follow(student, expect):
    def run(name, reference, w0, grads, hyper, *, mistakes=None):
        hypers = per_step(hyper, len(grads))
        expected = simulate(reference, w0, grads, hypers)
        wrong = {description: simulate(rule, w0, grads, hypers) for description, rule in (mistakes or {}).items()}
        w, state = np.array(w0, dtype=np.float64), None
        for k, (dw, h) in enumerate(zip(grads, hypers), start=1):
            result = getattr(student, name)(w, dw, state, **h)
            new_w, state = returned(result, name, "new_w, state")
            what = f"w after step {k} of {len(grads)}" if len(grads) > 1 else "new_w"
            try:
                expect(new_w, expected[k - 1], name=what,
                       variants={description: path[k - 1] for description, path in wrong.items()})
            except AssertionError as failure:
                if k == 1:
                    raise
                before = "step 1 was right" if k == 2 else f"steps 1 to {k - 1} were right"
                raise type(failure)(f"{failure} ({before})") from None
            w = new_w
        return state

    return run


@pytest.fixture
def check_state(expect):
    def run(got, reference, w0, grads, hyper, *, mistakes=None):
        """Compare the student's state after these steps with the reference's, key by key;
        mistakes: {key: {description: that mistake's value}}."""
        expected = final_state(reference, w0, grads, hyper)
        if isinstance(got, Handle):
            kind = "an object that cannot be sent as plain data"
        else:
            kind = f"a {type(got).__name__}"
        assert isinstance(got, dict), (
            f"the returned state should be a dict of arrays and ints with the keys the docstring names, got {kind}")
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        assert not missing and not extra, (
            f"the state's keys should be {sorted(expected)} (PyTorch's names)"
            + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
        for key in sorted(expected):
            expect(got[key], expected[key], name=f"state[{key!r}]", variants=(mistakes or {}).get(key))

    return run


def final_state(rule, w0, grads, hyper):
    """The reference's state after all the steps."""
    w, state = np.array(w0, dtype=np.float64), None
    for dw, h in zip(grads, per_step(hyper, len(grads))):
        w, state = rule(w, dw, state, **h)
    return state
