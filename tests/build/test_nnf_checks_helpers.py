"""The released helper's assignment-neutral checks that notebooks call instead of defining their
own: expect_tuple, check_forward, check_returns, check_value_gradient, loss_as_pair, fold_properties.
Each toy function below is a stand-in a test defines, never course reference code."""

from __future__ import annotations

import numpy as np
import pytest


def _line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.strip()


def test_expect_tuple_passes_the_result_through_or_says_what_to_return(checks):
    assert checks.expect_tuple((1, 2)) == (1, 2)
    with pytest.raises(checks.CheckFailed, match=r"^should return \(out, cache\), a tuple of 2 items$"):
        checks.expect_tuple(np.zeros(2))
    with pytest.raises(checks.CheckFailed, match=r"^step should return \(h, c, cache\), a tuple of 3 items$"):
        checks.expect_tuple((1, 2), name="step", items=("h", "c", "cache"))


# a toy "forward": each row of x dotted with w, plus b (not a course function)
X = np.array([[1.0, 2.0], [3.0, -1.0]])
W = np.array([2.0, -1.0])
B = np.array([0.5])


def row_sum_forward(x, w, b, *, scale=1.0):
    return scale * (x @ w)[:, None] + b, None


def test_check_forward_passes_and_names_the_settings(checks, capsys):
    want = np.array([[0.5], [7.5]])  # 1*2 + 2*(-1) + .5 and 3*2 + (-1)(-1) + .5
    checks.check_forward(row_sum_forward, (X, W, B), expected=want, scale=1.0)
    assert _line(capsys) == "PASS row_sum_forward (scale=1.0): out matches the expected values"
    checks.check_forward(row_sum_forward, (X, W, B), expected=want)
    assert _line(capsys) == "PASS row_sum_forward: out matches the expected values"


def test_check_forward_reports_structure_shape_mutation_and_known_mistakes(checks, capsys):
    want = np.array([[0.5], [7.5]])

    def no_cache(x, w, b):
        return row_sum_forward(x, w, b)[0]

    checks.check_forward(no_cache, (X, W, B), expected=want)
    assert _line(capsys) == "FAIL no_cache: should return (out, cache), a tuple of 2 items"

    def flat(x, w, b):
        return x @ w + b, None

    checks.check_forward(flat, (X, W, B), expected=want, shape_hint="one column per output")
    assert _line(capsys) == "FAIL flat: out has shape (2,), expected (2, 1): one column per output"

    def in_place(x, w, b):
        w *= 1.0
        x += 0.0
        b[0] = 9.0
        return row_sum_forward(x, w, np.array([0.5]))

    checks.check_forward(in_place, (X, W, B), expected=want)
    assert _line(capsys) == "FAIL in_place: changed one of its inputs in place; work on copies"
    assert B[0] == 0.5, "the caller's arrays are never handed to the function"

    def reversed_weights(x, w, b):
        return row_sum_forward(x, w[::-1], b)

    # a known mistake: the function gives the expected out when handed the reversed weights
    mistakes = {"the weights are reversed": (X, W[::-1].copy(), B)}
    checks.check_forward(reversed_weights, (X, W, B), expected=want, mistakes=mistakes)
    assert _line(capsys) == "FAIL reversed_weights: out matches a known mistake: the weights are reversed"
    checks.check_forward(reversed_weights, (X, W, B), expected=want)
    assert _line(capsys) == "FAIL reversed_weights: out is [[3.5], [-4.5]], expected [[0.5], [7.5]]"

    def no_bias(x, w, b):
        return row_sum_forward(x, w, np.zeros(1))

    checks.check_forward(no_bias, (X, W, B), expected=want, mistakes=mistakes)  # not that mistake
    assert _line(capsys) == "FAIL no_bias: out is [[0.0], [7.0]], expected [[0.5], [7.5]]"

    def stub(x, w, b):
        raise NotImplementedError("Task 01.stub: implement stub")

    checks.check_forward(stub, (X, W, B), expected=want, mistakes=mistakes)
    assert _line(capsys) == "NOT IMPLEMENTED YET stub"


def test_check_returns_compares_values_in_order_with_the_hint(checks, capsys):
    checks.check_returns("pair", lambda: (np.array([1.0, 2.0]), 3.0), {"a": [1.0, 2.0], "b": 3.0})
    assert _line(capsys) == "PASS pair: a, b match the expected values"
    checks.check_returns("one", lambda: np.array([1.0]), {"a": [1.0]})
    assert _line(capsys) == "PASS one: a matches the expected values"
    checks.check_returns("short", lambda: 1.0, {"a": 1.0, "b": 2.0})
    assert _line(capsys) == "FAIL short: returned 1 value(s), expected a, b"
    checks.check_returns("wrong", lambda: (1.0, 2.5), {"a": 1.0, "b": 2.0}, hint="b doubles a")
    assert _line(capsys) == "FAIL wrong: b is 2.5, expected 2.0 (b doubles a)"
    checks.check_returns("bare", lambda: 2.5, {"a": 2.0})
    assert _line(capsys) == "FAIL bare: a is 2.5, expected 2.0"


def half_square(w, lam):
    return 0.5 * lam * float(np.sum(w ** 2)), lam * w


def test_check_value_gradient_passes_a_matching_pair(checks, capsys):
    w = np.array([[0.7, -1.3], [0.2, 2.5]])
    checks.check_value_gradient(half_square, w, 0.3, what="penalty")
    assert _line(capsys) == "PASS half_square gradient: dw is the gradient of the penalty you return"
    assert np.array_equal(w, [[0.7, -1.3], [0.2, 2.5]])


def test_check_value_gradient_fails_a_gradient_of_another_value(checks, capsys):
    def twice_the_gradient(w, lam):
        return 0.5 * lam * float(np.sum(w ** 2)), 2 * lam * w

    checks.check_value_gradient(twice_the_gradient, np.array([1.0, -2.0]), 0.5, what="penalty")
    line = _line(capsys)
    assert line.startswith("FAIL twice_the_gradient gradient: dw is [1.0, -2.0], expected [0.5")
    assert line.endswith("(the slope of the penalty you return, by central differences): "
                         "the penalty and its gradient do not agree")

    def stub(x):
        raise NotImplementedError("Task 01.stub: implement stub")

    checks.check_value_gradient(stub, np.ones(2))
    assert _line(capsys) == "NOT IMPLEMENTED YET stub gradient"
    checks.check_value_gradient(lambda x: (float(np.sum(x)), np.ones(2)), np.ones(2))
    assert _line(capsys) == "PASS <lambda> gradient: dx is the gradient of the value you return"


def test_loss_as_pair_feeds_check_gradients(checks, capsys):
    def product_loss(a, b):
        return float(np.sum(a * b)), b, a

    forward, backward = checks.loss_as_pair(product_loss)
    assert forward.__name__ == backward.__name__ == "product_loss"
    checks.check_gradients(forward, backward, np.array([1.0, 2.0]), np.array([-0.5, 3.0]))
    line = _line(capsys)
    assert line.startswith("PASS product_loss: gradients match central differences (da error")
    assert "db error" in line

    def wrong_loss(a, b):
        return float(np.sum(a * b)), a, b  # the gradients swapped

    checks.check_gradients(*checks.loss_as_pair(wrong_loss, "renamed"), np.array([1.0, 2.0]), np.array([-0.5, 3.0]))
    assert _line(capsys).startswith("FAIL renamed: da disagrees with central differences")


@pytest.mark.parametrize(("folds", "reason"), [
    ([([0, 1], [1, 2])], "fold 0: sample 1 is in both train_idx and val_idx"),
    ([([0], [1])], "fold 0: train_idx and val_idx together hold 2 indices, expected all N = 3"),
    ([([2], [0, 1]), ([1], [0, 2])], "sample 0 is in 2 validation folds, expected exactly 1"),
    ([([1, 2], [0]), ([0, 2], [1])], "sample 2 is never in a validation fold"),
])
def test_fold_properties_names_the_first_broken_rule(checks, folds, reason):
    with pytest.raises(checks.CheckFailed) as failed:
        checks.fold_properties(folds, 3)
    assert str(failed.value) == reason


def test_fold_properties_gives_the_fold_sizes_for_check_close(checks, capsys):
    folds = [([2, 3, 4], [0, 1]), ([0, 1, 4], [2, 3]), ([0, 1, 2, 3], [4])]
    assert checks.fold_properties(folds, 5) == {"fold sizes": [2, 2, 1]}
    checks.check_close("toy folds", lambda: checks.fold_properties(folds[:2], 5), {"fold sizes": [2, 2]})
    assert _line(capsys) == "FAIL toy folds: sample 4 is never in a validation fold"


def noisy_scale_forward(x, s, *, rng=None, train=True):
    """A toy forward with a random mask: x * s on the kept entries (not a course function)."""
    keep = rng.random(x.shape) >= 0.5 if train else np.ones(x.shape, dtype=bool)
    return np.where(keep, x * s, 0.0), (keep, s)


def noisy_scale_backward(dout, cache):
    keep, s = cache
    return np.where(keep, dout * s, 0.0)


def test_with_settings_fixes_arguments_and_replays_the_same_random_draws(checks, capsys):
    fixed = checks.with_settings(noisy_scale_forward, s=2.0, rng=np.random.default_rng(3))
    assert fixed.__name__ == "noisy_scale_forward"
    assert list(checks.inspect.signature(fixed).parameters) == ["x", "train"]
    x = np.arange(1.0, 9.0)
    assert np.array_equal(fixed(x)[0], fixed(x)[0]), "a fresh copy of the generator at every call"
    checks.check_gradients(fixed, noisy_scale_backward, x)
    assert _line(capsys).startswith("PASS noisy_scale_backward: gradients match central differences (dx error")

    def shared_generator(x, rng=np.random.default_rng(3)):
        return noisy_scale_forward(x, 2.0, rng=rng)  # the same generator object: a new mask each call

    checks.check_gradients(shared_generator, noisy_scale_backward, x)
    assert _line(capsys).startswith("FAIL noisy_scale_backward: dx disagrees with central differences")
