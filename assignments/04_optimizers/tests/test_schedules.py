"""step_lr and cosine_lr over whole runs of epochs, including epoch 0, the last epoch of the
cosine and past it."""

import math

import numpy as np
import pytest

# Parts of the contract that cannot apply (grader/suite/contract.py)
CONTRACT_OPT_OUT = {
    name: {"dtype": "returns one number, and a number reaches the grader as a Python float (no dtype)",
           "purity": "takes no array argument"}
    for name in ("step_lr", "cosine_lr")
}


def step_lr_mistakes(lr0, epochs, step_size, gamma):
    return {
        "no floor: gamma^(epoch / step_size) decays smoothly; use epoch // step_size":
            [lr0 * gamma ** (e / step_size) for e in epochs],
        "off by one: the first decay must come at epoch step_size, not step_size - 1":
            [lr0 * gamma ** ((e + 1) // step_size) for e in epochs],
        "decayed one step too early: gamma^(epoch // step_size + 1)":
            [lr0 * gamma ** (e // step_size + 1) for e in epochs],
        "gamma multiplied instead of raised to a power: lr0 gamma (epoch // step_size)":
            [lr0 * gamma * (e // step_size) for e in epochs],
    }


def cosine_lr_mistakes(lr0, epochs, t_max, eta_min):
    def cosine(e, t):
        return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * e / t)) / 2

    return {
        "t_max off by one (t_max - 1): the minimum must come at epoch t_max": [
            cosine(e, t_max - 1) if t_max > 1 else math.nan for e in epochs],
        "t_max off by one (t_max + 1): the minimum must come at epoch t_max": [cosine(e, t_max + 1) for e in epochs],
        "epoch off by one (epoch + 1): at epoch 0 the rate is lr0": [cosine(e + 1, t_max) for e in epochs],
        "eta_min ignored": [lr0 * (1 + math.cos(math.pi * e / t_max)) / 2 for e in epochs],
        "eta_min added without shrinking the range: use eta_min + (lr0 - eta_min) (1 + cos) / 2": [
            eta_min + lr0 * (1 + math.cos(math.pi * e / t_max)) / 2 for e in epochs],
        "clamped at eta_min after t_max; the cosine climbs back up past t_max (period 2 t_max)": [
            cosine(min(e, t_max), t_max) for e in epochs],
        "full cosine period over t_max (cos(2 pi epoch / t_max)); t_max is half the period": [
            cosine(2 * e, t_max) for e in epochs],
        "the ends swapped: the rate starts at eta_min and climbs to lr0; it starts at lr0": [
            lr0 + (eta_min - lr0) * (1 + math.cos(math.pi * e / t_max)) / 2 for e in epochs],
    }


def rates(schedule, lr0, epochs, **hyper):
    return np.array([schedule(lr0, e, **hyper) for e in epochs], dtype=np.float64)


@pytest.mark.task04_step_lr
@pytest.mark.parametrize("lr0, step_size, gamma", [(0.1, 3, 0.5), (1.0, 1, 0.9), (0.05, 10, 0.1)],
                         ids=["step3", "step1", "step10"])
@pytest.mark.contract("domain_edge")
def test_step_lr(student, ref, expect, lr0, step_size, gamma):
    """step_lr over epochs 0 to 3 step_size + 2"""
    epochs = range(3 * step_size + 3)
    got = [student.step_lr(lr0, e, step_size=step_size, gamma=gamma) for e in epochs]
    expected = rates(ref.step_lr, lr0, epochs, step_size=step_size, gamma=gamma)
    expect(got, expected, name=f"the rates at epochs 0..{len(epochs) - 1}",
           variants=step_lr_mistakes(lr0, epochs, step_size, gamma))


@pytest.mark.task04_cosine_lr
@pytest.mark.parametrize("lr0, t_max, eta_min", [(0.1, 10, 0.0), (0.5, 7, 0.01), (1.0, 1, 0.2)],
                         ids=["tmax10", "tmax7-eta_min", "tmax1"])
@pytest.mark.contract("domain_edge")
def test_cosine_lr(student, ref, expect, lr0, t_max, eta_min):
    """cosine_lr over epochs 0 to t_max"""
    epochs = range(t_max + 1)
    got = [student.cosine_lr(lr0, e, t_max=t_max, eta_min=eta_min) for e in epochs]
    expected = rates(ref.cosine_lr, lr0, epochs, t_max=t_max, eta_min=eta_min)
    expect(got, expected, name=f"the rates at epochs 0..{t_max}",
           variants=cosine_lr_mistakes(lr0, epochs, t_max, eta_min))


@pytest.mark.task04_cosine_lr
@pytest.mark.contract("domain_edge")
def test_cosine_lr_past_t_max(student, ref, expect):
    """cosine_lr past t_max climbs back up"""
    lr0, t_max, eta_min = 0.2, 6, 0.02
    epochs = range(t_max, 2 * t_max + 4)
    got = [student.cosine_lr(lr0, e, t_max=t_max, eta_min=eta_min) for e in epochs]
    expected = rates(ref.cosine_lr, lr0, epochs, t_max=t_max, eta_min=eta_min)
    expect(got, expected, name=f"the rates at epochs {t_max}..{2 * t_max + 3}",
           variants=cosine_lr_mistakes(lr0, epochs, t_max, eta_min))
