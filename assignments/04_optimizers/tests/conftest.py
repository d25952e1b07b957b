"""Shared helpers of the 04_optimizers hidden suite.

    follow(name, reference, w0, grads, hyper, mistakes=...) -> the student's last state
        runs the student's rule for len(grads) steps, feeding back the state it returns (plain
        data, or a handle when it cannot be encoded: passed back just the same), and compares w
        after every step with the reference's trajectory on the same gradients; a known mistake
        is named when the student's w matches that mistake's trajectory; when none is, the
        failure says which step first diverged and which entry of the returned state first left
        the reference's (the step count, a moment, a buffer).
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


def simulate(rule, w0, grads, hyper, *, states=None) -> list[np.ndarray]:
    """w after each step of a NumPy rule (the reference or a known mistake); ``states``, a list,
    receives the state after each step."""
    w, state, path = np.array(w0, dtype=np.float64), None, []
    with np.errstate(all="ignore"):
        for dw, h in zip(grads, per_step(hyper, len(grads))):
            w, state = rule(w, dw, state, **h)
            path.append(np.asarray(w))
            if states is not None:
                states.append(state)
    return path


def first_state_difference(got_states, expected_states, tolerance=(1e-6, 1e-8)) -> str:
    """Where the student's states first leave the reference's: the step and the entries, e.g.
    "state['step'] returned at step 2 is 1, expected 2". Empty when they never do, or when a
    state is not a dict with the documented keys (its own test says so)."""
    rtol, atol = tolerance
    for k, (got, want) in enumerate(zip(got_states, expected_states), start=1):
        if not isinstance(got, dict) or not isinstance(want, dict) or set(got) != set(want):
            return ""
        wrong = []
        for key in sorted(want):
            mine, theirs = np.asarray(got[key]), np.asarray(want[key])
            if mine.shape != theirs.shape or mine.dtype.kind not in "biuf":
                wrong.append(f"state[{key!r}]")
            elif not np.allclose(mine, theirs, rtol=rtol, atol=atol):
                wrong.append(f"state[{key!r}] is {mine.item():g}, expected {theirs.item():g}" if theirs.ndim == 0
                             else f"state[{key!r}]")
        if wrong:
            return f"the state returned at step {k} is the first to differ: " + ", ".join(wrong)
    return ""


@pytest.fixture
def follow(student, expect):
    def run(name, reference, w0, grads, hyper, *, mistakes=None):
        hypers = per_step(hyper, len(grads))
        expected_states: list = []
        expected = simulate(reference, w0, grads, hypers, states=expected_states)
        wrong = {description: simulate(rule, w0, grads, hypers) for description, rule in (mistakes or {}).items()}
        w, state, states = np.array(w0, dtype=np.float64), None, []
        for k, (dw, h) in enumerate(zip(grads, hypers), start=1):
            result = getattr(student, name)(w, dw, state, **h)
            new_w, state = returned(result, name, "new_w, state")
            states.append(state)
            what = f"w after step {k} of {len(grads)}" if len(grads) > 1 else "new_w"
            try:
                expect(new_w, expected[k - 1], name=what,
                       variants={description: path[k - 1] for description, path in wrong.items()})
            except AssertionError as failure:
                # Localise: the first step whose returned state left the reference's, and how.
                notes = [] if k == 1 else ["step 1 was right" if k == 2 else f"steps 1 to {k - 1} were right"]
                where = first_state_difference(states, expected_states)
                notes += [where] if where else []
                if not notes:
                    raise
                raise type(failure)(f"{failure} ({'; '.join(notes)})") from None
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
