"""Hidden tests: lstm_step_forward (gate order i, f, o, g; returns h_next, c_next, cache)."""

import numpy as np
import pytest

from grader.suite.returns import returned

# (N, D, H)
SHAPES = [(1, 3, 2), (4, 2, 3), (3, 5, 5), (1, 1, 1), (2, 4, 6)]
SHAPE_IDS = ["N=1", "N=4", "D=H", "sizes 1", "H=6"]
OUTPUTS = ["h_next", "c_next"]


def lstm_inputs(rng, n, d, h, *, scale=1.0, zero_state=False):
    x = rng.standard_normal((n, d)) * scale
    h_prev = np.zeros((n, h)) if zero_state else rng.uniform(-0.9, 0.9, (n, h))
    c_prev = np.zeros((n, h)) if zero_state else 1.5 * rng.standard_normal((n, h))
    wx = rng.standard_normal((d, 4 * h)) / np.sqrt(d)
    wh = rng.standard_normal((h, 4 * h)) / np.sqrt(h)
    b = 0.5 * rng.standard_normal(4 * h)
    return x, h_prev, c_prev, wx, wh, b


def three(result):
    return returned(result, "lstm_step_forward", "h_next, c_next, cache")


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def lstm_step(x, h_prev, c_prev, wx, wh, b, *, order="ifog", o_act=sigmoid, g_act=np.tanh, h_uses_tanh=True):
    hidden = h_prev.shape[1]
    a = x @ wx + h_prev @ wh + b
    blocks = {name: a[:, k * hidden:(k + 1) * hidden] for k, name in enumerate(order)}
    i, f, o, g = sigmoid(blocks["i"]), sigmoid(blocks["f"]), o_act(blocks["o"]), g_act(blocks["g"])
    c_next = f * c_prev + i * g
    return {"h_next": o * (np.tanh(c_next) if h_uses_tanh else c_next), "c_next": c_next}


def variants(args, output):
    mistakes = {
        "input and forget gates swapped: the column blocks are i, f, o, g": dict(order="fiog"),
        "PyTorch's gate order i, f, g, o: ours is i, f, o, g": dict(order="ifgo"),
        "tanh used for the output gate o: i, f and o use a sigmoid": dict(o_act=np.tanh),
        "sigmoid used for the candidate g: g uses tanh": dict(g_act=sigmoid),
        "h_next = o * c_next: the tanh of the cell is missing": dict(h_uses_tanh=False),
    }
    return {text: lstm_step(*args, **options)[output] for text, options in mistakes.items()}


@pytest.mark.task07_lstm_step_forward
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_values(student, ref, rng, expect, shape, output):
    """h_next and c_next on random inputs"""
    args = lstm_inputs(rng, *shape)
    got = three(student.lstm_step_forward(*args))
    expected = ref.lstm_step_forward(*args)
    index = OUTPUTS.index(output)
    expect(got[index], expected[index], name=output, variants=variants(args, output))


@pytest.mark.task07_lstm_step_forward
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.contract("domain_edge")
def test_first_step(student, ref, rng, expect, output):
    """the first step, from zero hidden and cell states"""
    args = lstm_inputs(rng, 3, 4, 3, zero_state=True)
    got = three(student.lstm_step_forward(*args))
    index = OUTPUTS.index(output)
    expect(got[index], ref.lstm_step_forward(*args)[index], name=output, variants=variants(args, output))


@pytest.mark.task07_lstm_step_forward
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.contract("domain_edge")
def test_large_inputs(student, ref, rng, expect, output):
    """saturated gates (large inputs): no NaN from overflowing exponentials"""
    args = lstm_inputs(rng, 3, 4, 3, scale=1000.0)
    got = three(student.lstm_step_forward(*args))
    index = OUTPUTS.index(output)
    expect(got[index], ref.lstm_step_forward(*args)[index], name=output, variants=variants(args, output))
