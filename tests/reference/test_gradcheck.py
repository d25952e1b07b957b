import numpy as np
import pytest

from reference.gradcheck import gradient_check, numerical_gradient, rel_error


def test_numerical_gradient_of_known_function(rng):
    x = rng.standard_normal((3, 4))
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert rel_error(grad, 3 * x**2) < 1e-8


def test_numerical_gradient_does_not_touch_input(rng):
    x = rng.standard_normal(5)
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)


def test_rel_error_known_values():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.ones(2), np.ones(3))


def _scale_forward(x, w):
    return x * w, (x, w)


def _scale_backward(dout, cache):
    x, w = cache
    return dout * w, dout * x


def _wrong_backward(dout, cache):
    x, w = cache
    return dout * w, 2 * dout * x


def test_gradient_check_accepts_right_and_rejects_wrong(rng):
    x, w = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    good = gradient_check(_scale_forward, _scale_backward, [x, w])
    assert max(good.values()) < 1e-8
    bad = gradient_check(_scale_forward, _wrong_backward, [x, w])
    assert bad[0] < 1e-8 and bad[1] > 0.1
