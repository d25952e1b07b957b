"""Hidden tests of step_lr (the whole schedule over many epochs) and early_stopping (hand-made
histories with ties, NaN, min_delta and mode "max", plus random noisy curves)."""

import math

import numpy as np
import pytest

from grader.suite.returns import returned

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    "step_lr": {"dtype": "returns one number, and a number reaches the grader as a Python float (no dtype)",
                "purity": "takes no array argument"},
    "early_stopping": {"dtype": "returns a bool and an int: no float output"},
}

# (lr0, step_size, gamma or None for the default 0.1)
SCHEDULES = [(0.1, 3, 0.5), (1.0, 1, 0.9), (0.05, 5, None), (0.3, 4, 0.25)]
SCHEDULE_IDS = ["step3-gamma0.5", "step1-gamma0.9", "step5-default", "step4-gamma0.25"]


@pytest.mark.task03_step_lr
@pytest.mark.parametrize("lr0,step_size,gamma", SCHEDULES, ids=SCHEDULE_IDS)
@pytest.mark.contract("domain_edge")
def test_step_lr_schedule(student, ref, expect, lr0, step_size, gamma):
    """lr0 gamma^floor(epoch / step_size) for epochs 0 to 12"""
    epochs = range(13)
    kwargs = {"step_size": step_size} | ({} if gamma is None else {"gamma": gamma})
    got = [student.step_lr(lr0, epoch, **kwargs) for epoch in epochs]
    for epoch, value in zip(epochs, got):
        assert value is not None, f"step_lr returned None at epoch {epoch} (is a `return` statement missing?)"
    g = 0.1 if gamma is None else gamma
    expected = np.array([ref.step_lr(lr0, epoch, **kwargs) for epoch in epochs])
    variants = {
        "off by one: the first decay comes one epoch early (epoch counts completed epochs, so epoch 0 uses lr0)":
            np.array([lr0 * g ** ((e + 1) // step_size) for e in epochs]),
        "off by one: already decayed at epoch 0 (use gamma^(epoch // step_size))":
            np.array([lr0 * g ** (e // step_size + 1) for e in epochs]),
        "true division epoch / step_size: the rate decays smoothly instead of in steps (use //)":
            np.array([lr0 * g ** (e / step_size) for e in epochs]),
        "the rate decays every epoch (gamma^epoch), not every step_size epochs":
            np.array([lr0 * g ** e for e in epochs]),
    }
    if gamma is None:
        variants["the default gamma should be 0.1"] = np.array([lr0 * 0.5 ** (e // step_size) for e in epochs])
    variants = {d: v for d, v in variants.items() if not np.allclose(v, expected)}
    expect(np.array(got, dtype=np.float64), expected, name="the rates of epochs 0 to 12", variants=variants)


# --- early_stopping ------------------------------------------------------------------------

NAN = float("nan")
# (history, kwargs): the cases a hand-written loop gets wrong
HISTORIES = [
    ([0.9], {"patience": 1}),                                           # one epoch: best is 0
    ([3.0, 2.0, 1.0], {"patience": 1}),                                 # still improving
    ([1.0, 0.8, 0.8, 0.85, 0.79, 0.9, 0.9], {"patience": 2}),           # tie; exactly patience since the best
    ([1.0, 0.8, 0.8, 0.85, 0.79, 0.9, 0.9], {"patience": 3}),           # one short of patience
    ([1.0, 1.0, 1.0, 1.0], {"patience": 3}),                            # a plateau stops
    ([1.0, 0.97, 0.93, 0.91, 0.9], {"patience": 2, "min_delta": 0.05}),  # small gains do not count
    ([1.0, 0.97, 0.96, 0.94, 0.9], {"patience": 3, "min_delta": 0.05}),  # gains add up to a real one
    ([0.5, 0.7, 0.7, 0.6, 0.65], {"patience": 3, "mode": "max"}),       # accuracy
    ([0.5, 0.7, 0.72, 0.6, 0.65], {"patience": 2, "mode": "max", "min_delta": 0.05}),
    ([1.0, NAN, NAN], {"patience": 2}),                                 # a diverged run stops
    ([NAN, 2.0, 1.5], {"patience": 1}),                                 # NaN first, then improving
]
HISTORY_IDS = ["single", "improving", "tie-stop", "one-short", "plateau", "min-delta", "min-delta-adds-up",
               "max", "max-min-delta", "nan", "nan-first"]


def mistaken(history, *, patience, min_delta=0.0, mode="min", strict=False, ties=False, ignore_delta=False,
             ignore_mode=False):
    """early_stopping with one known mistake switched on."""
    sign = 1.0 if (mode == "min" or ignore_mode) else -1.0
    delta = 0.0 if ignore_delta else min_delta
    best, best_epoch = math.inf, 0
    for t, v in enumerate(history):
        value = sign * v
        if value < best - delta or (ties and value <= best - delta):
            best, best_epoch = value, t
    since = len(history) - 1 - best_epoch
    return (since > patience) if strict else (since >= patience), best_epoch


MISTAKES = {
    "stops one epoch late: stop when (T - 1) - best_epoch >= patience, not >": {"strict": True},
    "a tie counted as an improvement: improve only if v < best - min_delta (strictly)": {"ties": True},
    "min_delta is ignored: an epoch must beat the best by more than min_delta": {"ignore_delta": True},
    "mode is ignored: with mode='max' a higher value is better": {"ignore_mode": True},
}


def decision(result):
    stop, best = returned(result, "early_stopping", "should_stop, best_epoch")
    assert isinstance(stop, (bool, np.bool_)), f"should_stop should be a bool (True/False), got {type(stop).__name__}"
    assert isinstance(best, (int, np.integer)) and not isinstance(best, (bool, np.bool_)), (
        f"best_epoch should be an int, got {type(best).__name__}")
    return bool(stop), int(best)


def check_decision(got, history, kwargs, ref):
    expected = ref.early_stopping(np.array(history), **kwargs)
    stop, best = got
    if (stop, best) == expected:
        return
    for description, flags in MISTAKES.items():
        if mistaken(history, **kwargs, **flags) == (stop, best) != expected:
            raise AssertionError(f"(should_stop, best_epoch) = ({stop}, {best}), expected {expected}: {description}")
    if best != expected[1]:
        raise AssertionError(f"best_epoch is {best}, expected {expected[1]} "
                             f"(after {len(history)} epochs, patience {kwargs['patience']})")
    raise AssertionError(f"should_stop is {stop}, expected {expected[0]}: {len(history) - 1 - best} epochs "
                         f"since the best one, patience {kwargs['patience']}")


@pytest.mark.task03_early_stopping
@pytest.mark.parametrize("history,kwargs", HISTORIES, ids=HISTORY_IDS)
@pytest.mark.contract("domain_edge")
def test_early_stopping_hand_made_histories(student, ref, history, kwargs):
    """(should_stop, best_epoch) on a history chosen to show one rule"""
    got = decision(student.early_stopping(np.array(history), **kwargs))
    check_decision(got, history, kwargs, ref)
    # Some of these histories have an answer a constant matches, such as (False, 0): the same
    # weight group also checks the history followed by two epochs that each beat the best clearly.
    step = 1.0 + 2 * kwargs.get("min_delta", 0.0)
    if kwargs.get("mode", "min") == "min":
        longer = list(history) + [float(np.nanmin(history) - step), float(np.nanmin(history) - 2 * step)]
    else:
        longer = list(history) + [float(np.nanmax(history) + step), float(np.nanmax(history) + 2 * step)]
    got = decision(student.early_stopping(np.array(longer), **kwargs))
    try:
        check_decision(got, longer, kwargs, ref)
    except AssertionError as failure:
        raise AssertionError(f"after two more epochs, each better than the best: {failure}") from None


@pytest.mark.task03_early_stopping
@pytest.mark.parametrize("mode", ["min", "max"])
def test_early_stopping_noisy_curves(student, ref, rng, mode):
    """Every prefix of a noisy training curve, as a training loop would call it epoch by epoch"""
    t = np.arange(15)
    curve = np.exp(-t / 4) + 0.02 * (t - 7).clip(0) + 0.03 * rng.standard_normal(15)
    history = np.round(curve if mode == "min" else 1 - curve, 2)  # rounding makes ties
    patience = int(rng.integers(1, 4))
    min_delta = [0.0, 0.015][int(rng.integers(2))]  # never within rounding of a difference of the 2-decimal values
    kwargs = {"patience": patience, "min_delta": min_delta, "mode": mode}
    for end in range(1, len(history) + 1):
        got = decision(student.early_stopping(history[:end].copy(), **kwargs))
        try:
            check_decision(got, list(history[:end]), kwargs, ref)
        except AssertionError as failure:
            raise AssertionError(f"after epoch {end - 1}: {failure}") from None
