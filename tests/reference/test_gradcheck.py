import numpy as np
import pytest

from reference.gradcheck import curved_function, gradient_check, numerical_gradient, rel_error


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


def test_curved_function_known_values():
    # x = (0, pi/2), b = (1, -1): s = -pi/2, f = 2 sin(pi/2) + s^3 / 6, grad = a cos(x) + s^2 / 2 b
    f, grad_f = curved_function([1.0, 2.0], [1.0, -1.0])
    x = np.array([0.0, np.pi / 2])
    assert f(x) == pytest.approx(2.0 - np.pi**3 / 48)
    np.testing.assert_allclose(grad_f(x), [1.0 + np.pi**2 / 8, -np.pi**2 / 8], rtol=1e-14, atol=1e-15)


def test_curved_function_gradient_is_the_gradient_of_its_value(rng):
    a, b, x = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    f, grad_f = curved_function(a, b)
    assert isinstance(f(x), float)
    assert rel_error(grad_f(x), numerical_gradient(f, x)) < 1e-8


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
