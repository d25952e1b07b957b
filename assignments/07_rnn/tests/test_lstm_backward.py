"""Hidden tests: lstm_step_backward, lstm_forward and lstm_backward (gate order i, f, o, g).

Each backward gets the cache of the student's own forward, so any cache layout works. When that
forward raises or gives wrong values, the backward gets the documented cache, built by the
reference, so that a wrong forward does not also cost the backward's points; if the backward
then fails on that cache, the message says to fix the forward first. Known mistakes are named by
re-running a NumPy LSTM with one mistake switched on (``lstm_with``).
"""

import numpy as np
import pytest

from grader.suite.each import expect_each
from grader.suite.plugin import GradeFailure
from grader.suite.returns import returned
from grader.worker.client import StudentException

# (N, D, H) of one step; (N, T, D, H) of a sequence: a batch of 1, T = 1, D = H, sizes of 1
STEP_SHAPES = [(1, 3, 2), (4, 2, 3), (3, 5, 5), (1, 1, 1)]
STEP_IDS = ["N=1", "N=4", "D=H", "sizes 1"]
SEQUENCE_SHAPES = [(1, 4, 3, 5), (3, 1, 2, 4), (2, 6, 4, 4), (4, 3, 5, 2), (1, 1, 1, 1)]
SEQUENCE_IDS = ["N=1", "T=1", "D=H", "N=4,H=2", "sizes 1"]
STEP_GRADIENTS = ["dx", "dh_prev", "dc_prev", "dwx", "dwh", "db"]
SEQUENCE_GRADIENTS = ["dx", "dh0", "dwx", "dwh", "db"]

FORWARD_MISTAKES = {
    "input and forget gates swapped: the column blocks are i, f, o, g": dict(order="fiog"),
    "PyTorch's gate order i, f, g, o: ours is i, f, o, g": dict(order="ifgo"),
    "h_t = o * c_t: the tanh of the cell is missing": dict(h_uses_tanh=False),
    "the cell state was not carried: every step must start from the previous step's c": dict(carry_c=False),
    "the cell started from h0: c0 is zeros": dict(c_starts_at_h0=True),
}
STEP_BACKWARD_MISTAKES = {  # in order: the first match names the mistake
    "dc_prev = dc_next * f: use the total cell gradient dc = dc_next + dh_next * o * (1 - tanh(c_next)**2), "
    "then dc_prev = dc * f": dict(dc_prev_from_total=False),
    "the cell's gradient misses the path through h_next: dc = dc_next + dh_next * o * (1 - tanh(c_next)**2)":
        dict(dc_via_h=False),
    "the path from h_next to the cell lacks tanh's derivative (1 - tanh(c_next)**2)": dict(tanh_slope=False),
    "the output gate's gradient used c_next: h_next = o * tanh(c_next), so it is dh_next * tanh(c_next)":
        dict(do_uses_tanh=False),
    "the blocks of da are in PyTorch's order i, f, g, o: ours is i, f, o, g": dict(da_order="ifgo"),
    "dc_next was ignored: the cell's upstream gradient adds to the one through h_next": dict(ignore_dc_next=True),
}
SEQUENCE_BACKWARD_MISTAKES = {
    "the cell gradient was not carried back: step t must get dc_prev of step t+1 as its dc_next":
        dict(carry_c_grad=False),
    "the recurrent gradient dh_prev was not carried back: step t must add it to dh[:, t]": dict(carry_h_grad=False),
    "the cell's gradient misses the path through h_t: dc = dc_next + dh_t * o * (1 - tanh(c_t)**2)":
        dict(dc_via_h=False),
    "the output gate's gradient used c_t: h_t = o * tanh(c_t), so it is dh_t * tanh(c_t)": dict(do_uses_tanh=False),
    "the blocks of da are in PyTorch's order i, f, g, o: ours is i, f, o, g": dict(da_order="ifgo"),
}


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def lstm_with(x, h0, c0, wx, wh, b, dh, dc_last, *, order="ifog", h_uses_tanh=True, carry_c=True,
              c_starts_at_h0=False, dc_via_h=True, tanh_slope=True, do_uses_tanh=True, da_order="ifog",
              dc_prev_from_total=True, ignore_dc_next=False, carry_c_grad=True, carry_h_grad=True,
              dwh_state="previous"):
    """An LSTM over x (N, T, D) from (h0, c0) and its BPTT for upstream dh (N, T, H) and dc_last
    (N, H) on the last cell, with the named mistakes. Returns every output and gradient by name."""
    t_len, hidden = x.shape[1], h0.shape[1]
    c0 = h0 if c_starts_at_h0 else c0
    h_prev, c_prev, steps = h0, c0, []
    for t in range(t_len):
        a = x[:, t] @ wx + h_prev @ wh + b
        block = {name: a[:, k * hidden:(k + 1) * hidden] for k, name in enumerate(order)}
        i, f, o, g = sigmoid(block["i"]), sigmoid(block["f"]), sigmoid(block["o"]), np.tanh(block["g"])
        c_in = c_prev if carry_c else c0
        c = f * c_in + i * g
        h = o * (np.tanh(c) if h_uses_tanh else c)
        steps.append((x[:, t], h_prev, c_in, i, f, o, g, c, h))
        h_prev, c_prev = h, c
    dx = np.zeros(x.shape)
    dwx, dwh, db = np.zeros(wx.shape), np.zeros(wh.shape), np.zeros(b.shape)
    carried_h, carried_c = np.zeros(h0.shape), np.zeros(h0.shape) if ignore_dc_next else dc_last
    for t in reversed(range(t_len)):
        x_t, h_before, c_before, i, f, o, g, c, h = steps[t]
        dh_t = dh[:, t] + carried_h
        tanh_c = np.tanh(c)
        through_h = dh_t * o * ((1.0 - tanh_c ** 2) if tanh_slope else 1.0) if dc_via_h else 0.0
        dc = carried_c + through_h
        do = dh_t * (tanh_c if do_uses_tanh else c)
        blocks = {"i": dc * g * i * (1 - i), "f": dc * c_before * f * (1 - f), "o": do * o * (1 - o),
                  "g": dc * i * (1 - g ** 2)}
        da = np.concatenate([blocks[name] for name in da_order], axis=1)
        dx[:, t] = da @ wx.T
        dwx += x_t.T @ da
        dwh += (h_before if dwh_state == "previous" else h).T @ da
        db += da.sum(axis=0)
        dh_prev = da @ wh.T
        dc_prev = (dc if dc_prev_from_total else carried_c) * f
        carried_h = dh_prev if carry_h_grad else np.zeros(h0.shape)
        carried_c = dc_prev if carry_c_grad else np.zeros(h0.shape)
    return {"h": np.stack([s[8] for s in steps], axis=1), "h_next": steps[-1][8], "c_next": steps[-1][7],
            "dx": dx, "dh0": dh_prev, "dh_prev": dh_prev, "dc_prev": dc_prev, "dwx": dwx, "dwh": dwh, "db": db}


def variants(mistakes, run, output, *, extra=None):
    """{mistake: what that mistake gives for output}, from run(**options) -> dict."""
    found = {text: run(**options)[output] for text, options in mistakes.items()}
    return {**found, **(extra or {})}


def step_inputs(rng, n, d, h, *, scale=1.0):
    x = rng.standard_normal((n, d)) * scale
    h_prev = rng.uniform(-0.9, 0.9, (n, h))
    c_prev = 1.5 * rng.standard_normal((n, h))
    wx = rng.standard_normal((d, 4 * h)) / np.sqrt(d)
    wh = rng.standard_normal((h, 4 * h)) / np.sqrt(h)
    b = 0.5 * rng.standard_normal(4 * h)
    return x, h_prev, c_prev, wx, wh, b


def sequence_inputs(rng, n, t, d, h, *, scale=1.0, forget_bias=0.0):
    x = rng.standard_normal((n, t, d)) * scale
    h0 = rng.uniform(-0.9, 0.9, (n, h))
    wx = rng.standard_normal((d, 4 * h)) / np.sqrt(d)
    wh = 0.9 * rng.standard_normal((h, 4 * h)) / np.sqrt(h)
    b = 0.3 * rng.standard_normal(4 * h)
    b[h:2 * h] += forget_bias
    return x, h0, wx, wh, b


def _close(got, expected) -> bool:
    try:
        return np.shape(got) == expected.shape and bool(np.allclose(got, expected, rtol=1e-6, atol=1e-8))
    except (TypeError, ValueError):  # not numbers at all
        return False


def require_float64(names, values):
    for name, value in zip(names, values):
        dtype = getattr(value, "dtype", None)
        if dtype != np.float64:
            raise GradeFailure(f"{name} has dtype {dtype} for float64 inputs; keep float64")


def require_unchanged_cache(expect, names, first, second, expected, function):
    """Both calls right: a second call on the same cache must give the same gradients."""
    for name, got, again, want in zip(names, first, second, expected):
        expect(got, want, name=name, kind="gradients")
        if not np.array_equal(np.asarray(again), np.asarray(got)):
            raise GradeFailure(f"a second call on the same cache gave a different {name}: {function} changed "
                               f"the arrays of its cache in place (work on copies)")


# ---- lstm_step_backward ---------------------------------------------------------------------------

def _own_cache(call_forward, reference_forward, outputs):
    """(cache, why): the student's cache when their forward is right, else the reference's and a
    sentence saying why. call_forward() runs the student's forward, returning its outputs then
    the cache; reference_forward() gives the reference's."""
    expected = reference_forward()
    try:
        result = returned(call_forward(), *outputs)
    except (StudentException, GradeFailure):
        return expected[-1], "your forward does not run"
    if not all(_close(got, want) for got, want in zip(result[:-1], expected[:-1])):
        return expected[-1], "your forward gives wrong values"
    return result[-1], ""


def _call_backward(call, why, forward_name):
    """call(), explaining a failure on the documented cache by the forward's own failure."""
    try:
        return call()
    except StudentException as error:
        if not why or error.type_name == "NotImplementedError":
            raise
        raise GradeFailure(f"{why}, so this test used the documented cache built by the reference, and your "
                           f"backward raised {error.type_name} on it: fix {forward_name} first") from None


def _step_cache(student, ref, args):
    return _own_cache(lambda: student.lstm_step_forward(*args), lambda: ref.lstm_step_forward(*args),
                      ("lstm_step_forward", "h_next, c_next, cache"))


def gate_regions(hidden):
    """The gate blocks of the last axis of dwx (D, 4H), dwh (H, 4H) and db (4H,): a gradient wrong
    in one gate's columns only is named by its gate (other gradients have no 4H axis: not claimed)."""
    column = np.arange(4 * hidden) // hidden
    return {f"the {name} gate's columns [{k * hidden}, {(k + 1) * hidden}) (gate order i, f, o, g)": column == k
            for k, name in enumerate(("input", "forget", "output", "candidate (g)"))}


def _step_grads(student, dh_next, dc_next, cache, why):
    result = _call_backward(lambda: student.lstm_step_backward(dh_next, dc_next, cache), why, "lstm_step_forward")
    return returned(result, "lstm_step_backward", "dx, dh_prev, dc_prev, dwx, dwh, db")


def _step_backward(student, ref, rng, expect, shape, gradient, *, scale=1.0, upstream="both"):
    args = step_inputs(rng, *shape, scale=scale)
    cache, why = _step_cache(student, ref, args)
    n, _, hidden = shape
    dh_next = np.zeros((n, hidden)) if upstream == "dc_next only" else rng.standard_normal((n, hidden))
    dc_next = np.zeros((n, hidden)) if upstream == "dh_next only" else rng.standard_normal((n, hidden))
    got = _step_grads(student, dh_next, dc_next, cache, why)
    expected = ref.lstm_step_backward(dh_next, dc_next, ref.lstm_step_forward(*args)[2])
    x, h_prev, c_prev, wx, wh, b = args

    def run(**mistake):  # one step is a sequence of length 1 from (h_prev, c_prev)
        found = lstm_with(x[:, None], h_prev, c_prev, wx, wh, b, dh_next[:, None], dc_next, **mistake)
        return {**found, "dx": found["dx"][:, 0]}

    extra = {}
    if gradient in ("dh_prev", "dc_prev"):
        extra[f"{gradient} is all zeros: it is what this step sends back to the previous one"] = np.zeros((n, hidden))
    index = STEP_GRADIENTS.index(gradient)
    expect(got[index], expected[index], name=gradient, kind="gradients",
           variants=variants(STEP_BACKWARD_MISTAKES, run, gradient, extra=extra),
           regions=gate_regions(hidden) if gradient in ("dwx", "dwh", "db") else None)


@pytest.mark.task07_lstm_step_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.parametrize("gradient", STEP_GRADIENTS)
@pytest.mark.parametrize("shape", STEP_SHAPES, ids=STEP_IDS)
def test_step_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of the step, with your forward's cache"""
    _step_backward(student, ref, rng, expect, shape, gradient)


@pytest.mark.task07_lstm_step_backward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", STEP_GRADIENTS)
@pytest.mark.parametrize("upstream", ["dh_next only", "dc_next only"])
def test_step_backward_one_upstream(student, ref, rng, expect, upstream, gradient):
    """one gradient of the step when only h_next or only c_next receives a gradient"""
    _step_backward(student, ref, rng, expect, (3, 4, 3), gradient, upstream=upstream)


@pytest.mark.task07_lstm_step_backward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", STEP_GRADIENTS)
def test_step_backward_saturated(student, ref, rng, expect, gradient):
    """gradients when gates saturate (large inputs)"""
    _step_backward(student, ref, rng, expect, (3, 4, 3), gradient, scale=30.0)


@pytest.mark.task07_lstm_step_backward
@pytest.mark.weight(0.5)
def test_step_backward_keeps_float64(student, ref, rng, expect):
    """float64 inputs give float64 gradients (with the right values)"""
    args = step_inputs(rng, 2, 3, 4)
    grads = _step_grads(student, np.ones((2, 4)), np.ones((2, 4)), *_step_cache(student, ref, args))
    require_float64(STEP_GRADIENTS, grads)
    # The same test checks the values: constants of the right dtype earn nothing here.
    expected = ref.lstm_step_backward(np.ones((2, 4)), np.ones((2, 4)), ref.lstm_step_forward(*args)[2])
    expect_each(expect, [(name, got, want, {"kind": "gradients"}) for name, got, want in zip(STEP_GRADIENTS, grads,
                                                                                                 expected)])


@pytest.mark.task07_lstm_step_backward
@pytest.mark.weight(0.5)
def test_step_backward_leaves_its_inputs_alone(student, ref, rng, expect):
    """dh_next, dc_next and the cache are not changed: a second call gives the same gradients"""
    args = step_inputs(rng, 3, 2, 4)
    cache, why = _step_cache(student, ref, args)
    dh_next, dc_next = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    first = _step_grads(student, dh_next, dc_next, cache, why)
    second = _step_grads(student, dh_next, dc_next, cache, why)
    expected = ref.lstm_step_backward(dh_next, dc_next, ref.lstm_step_forward(*args)[2])
    require_unchanged_cache(expect, STEP_GRADIENTS, first, second, expected, "lstm_step_backward")


# ---- lstm_forward ----------------------------------------------------------------------------------

def forward_variants(x, h0, wx, wh, b):
    def run(**mistake):
        return lstm_with(x, h0, np.zeros(h0.shape), wx, wh, b, np.zeros(x.shape[:2] + h0.shape[1:]),
                         np.zeros(h0.shape), **mistake)

    return variants(FORWARD_MISTAKES, run, "h")


def _h(student, args):
    h, _ = returned(student.lstm_forward(*args), "lstm_forward", "h, cache")
    return h


@pytest.mark.task07_lstm_forward
@pytest.mark.parametrize("shape", SEQUENCE_SHAPES, ids=SEQUENCE_IDS)
def test_forward_values(student, ref, rng, expect, shape):
    """every hidden state h on random inputs"""
    args = sequence_inputs(rng, *shape)
    expect(_h(student, args), ref.lstm_forward(*args)[0], name="h", variants=forward_variants(*args))


@pytest.mark.task07_lstm_forward
@pytest.mark.contract("domain_edge")
def test_forward_one_step_is_lstm_step(student, ref, rng, expect):
    """with T = 1, the sequence is one step from c = 0"""
    x, h0, wx, wh, b = sequence_inputs(rng, 3, 1, 4, 5)
    expected = ref.lstm_step_forward(x[:, 0], h0, np.zeros_like(h0), wx, wh, b)[0][:, None, :]
    expect(_h(student, (x, h0, wx, wh, b)), expected, name="h (T = 1)", variants=forward_variants(x, h0, wx, wh, b))


@pytest.mark.task07_lstm_forward
def test_forward_long_memory(student, ref, rng, expect):
    """a long sequence with open forget gates: the cell carries information across many steps"""
    args = sequence_inputs(rng, 2, 12, 3, 4, forget_bias=3.0)
    expect(_h(student, args), ref.lstm_forward(*args)[0], name="h", variants=forward_variants(*args))


@pytest.mark.task07_lstm_forward
def test_forward_large_inputs(student, ref, rng, expect):
    """h for large inputs (saturated gates; exponentials overflow)"""
    args = sequence_inputs(rng, 2, 5, 3, 4, scale=1000.0)
    expect(_h(student, args), ref.lstm_forward(*args)[0], name="h", variants=forward_variants(*args))


@pytest.mark.task07_lstm_forward
@pytest.mark.weight(0.5)
def test_forward_keeps_float64(student, ref, rng, expect):
    """float64 inputs give float64 hidden states (with the right values)"""
    args = sequence_inputs(rng, 2, 3, 3, 4)
    h = _h(student, args)
    require_float64(["h"], [h])
    # The same test checks the values: a constant of the right dtype earns nothing here.
    expect(h, ref.lstm_forward(*args)[0], name="h")


@pytest.mark.task07_lstm_forward
@pytest.mark.weight(0.5)
def test_forward_leaves_its_inputs_alone(student, ref, rng, expect):
    """x, h0 and the weights are not changed: a second call gives the same h"""
    args = sequence_inputs(rng, 2, 4, 3, 3)
    expected = ref.lstm_forward(*args)[0]
    expect(_h(student, args), expected, name="h")
    expect(_h(student, args), expected, name="h (second call)")


# ---- lstm_backward ---------------------------------------------------------------------------------

def _sequence_cache(student, ref, args):
    return _own_cache(lambda: student.lstm_forward(*args), lambda: ref.lstm_forward(*args),
                      ("lstm_forward", "h, cache"))


def _sequence_grads(student, dh, cache, why):
    result = _call_backward(lambda: student.lstm_backward(dh, cache), why, "lstm_forward")
    return returned(result, "lstm_backward", "dx, dh0, dwx, dwh, db")


def _backward(student, ref, rng, expect, shape, gradient, *, scale=1.0, forget_bias=0.0, last_step_only=False):
    args = sequence_inputs(rng, *shape, scale=scale, forget_bias=forget_bias)
    cache, why = _sequence_cache(student, ref, args)
    n, t_len, _, hidden = shape
    dh = rng.standard_normal((n, t_len, hidden))
    if last_step_only:  # a loss on the last state only, as in sequence classification
        dh[:, :-1] = 0.0
    got = _sequence_grads(student, dh, cache, why)
    expected = ref.lstm_backward(dh, ref.lstm_forward(*args)[1])
    x, h0, wx, wh, b = args

    def run(**mistake):
        return lstm_with(x, h0, np.zeros(h0.shape), wx, wh, b, dh, np.zeros(h0.shape), **mistake)

    extra = {}
    if gradient == "dh0":
        extra["dh0 is all zeros: it is the recurrent gradient that step 1 sends back to h0"] = np.zeros(h0.shape)
    if gradient == "dwh":
        extra["dwh paired da_t with h_t instead of the previous state h_{t-1} (h0 at the first step)"] = (
            run(dwh_state="current")["dwh"])
    index = SEQUENCE_GRADIENTS.index(gradient)
    expect(got[index], expected[index], name=gradient, kind="gradients",
           variants=variants(SEQUENCE_BACKWARD_MISTAKES, run, gradient, extra=extra),
           regions=gate_regions(hidden) if gradient in ("dwx", "dwh", "db") else None)


@pytest.mark.task07_lstm_backward
@pytest.mark.parametrize("gradient", SEQUENCE_GRADIENTS)
@pytest.mark.parametrize("shape", SEQUENCE_SHAPES[:4], ids=SEQUENCE_IDS[:4])
def test_backward(student, ref, rng, expect, shape, gradient):
    """one gradient of BPTT, with your forward's cache"""
    _backward(student, ref, rng, expect, shape, gradient)


@pytest.mark.task07_lstm_backward
@pytest.mark.contract("domain_edge")
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", SEQUENCE_GRADIENTS)
def test_backward_sizes_one(student, ref, rng, expect, gradient):
    """gradients with N = T = D = H = 1"""
    _backward(student, ref, rng, expect, (1, 1, 1, 1), gradient)


@pytest.mark.task07_lstm_backward
@pytest.mark.parametrize("gradient", SEQUENCE_GRADIENTS)
def test_backward_long_memory(student, ref, rng, expect, gradient):
    """gradients of a loss on the last state, through 10 steps of open forget gates"""
    _backward(student, ref, rng, expect, (2, 10, 3, 4), gradient, forget_bias=3.0, last_step_only=True)


@pytest.mark.task07_lstm_backward
@pytest.mark.weight(0.5)
@pytest.mark.parametrize("gradient", SEQUENCE_GRADIENTS)
def test_backward_saturated(student, ref, rng, expect, gradient):
    """gradients when gates saturate (large inputs)"""
    _backward(student, ref, rng, expect, (2, 4, 3, 5), gradient, scale=30.0)


@pytest.mark.task07_lstm_backward
@pytest.mark.weight(0.5)
def test_backward_keeps_float64(student, ref, rng, expect):
    """float64 inputs give float64 gradients (with the right values)"""
    args = sequence_inputs(rng, 2, 3, 3, 4)
    grads = _sequence_grads(student, np.ones((2, 3, 4)), *_sequence_cache(student, ref, args))
    require_float64(SEQUENCE_GRADIENTS, grads)
    # The same test checks the values: constants of the right dtype earn nothing here.
    expected = ref.lstm_backward(np.ones((2, 3, 4)), ref.lstm_forward(*args)[1])
    expect_each(expect, [(name, got, want, {"kind": "gradients"})
                         for name, got, want in zip(SEQUENCE_GRADIENTS, grads, expected)])


@pytest.mark.task07_lstm_backward
@pytest.mark.weight(0.5)
def test_backward_leaves_its_inputs_alone(student, ref, rng, expect):
    """dh and the cache are not changed: a second call gives the same gradients"""
    args = sequence_inputs(rng, 2, 5, 3, 4)
    cache, why = _sequence_cache(student, ref, args)
    dh = rng.standard_normal((2, 5, 4))
    first = _sequence_grads(student, dh, cache, why)
    second = _sequence_grads(student, dh, cache, why)
    expected = ref.lstm_backward(dh, ref.lstm_forward(*args)[1])
    require_unchanged_cache(expect, SEQUENCE_GRADIENTS, first, second, expected, "lstm_backward")
