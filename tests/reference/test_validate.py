import numpy as np
import pytest

from reference._validate import check_same_shape, check_shape, shapes


@shapes(x=("N", "D"), w=("D", "M"), b=("M",))
def _affine(x, w, b):
    return x @ w + b


def test_shapes_accepts_consistent_arguments():
    assert _affine(np.ones((2, 3)), np.ones((3, 4)), np.ones(4)).shape == (2, 4)


def test_shapes_names_argument_received_and_expected():
    with pytest.raises(ValueError, match=r"w: expected shape \(D, M\) with D=3, got shape \(4, 4\)"):
        _affine(np.ones((2, 3)), np.ones((4, 4)), np.ones(4))
    with pytest.raises(ValueError, match=r"b: expected shape \(M,\), got shape \(4, 1\)"):
        _affine(np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 1)))


def test_open_ended_spec_and_same_shape():
    check_shape("x", np.ones((2, 3, 4)), ("N", ...))
    with pytest.raises(ValueError, match="x: expected shape"):
        check_shape("x", np.ones(()), ("N", ...))
    with pytest.raises(ValueError, match=r"dout: expected shape \(2, 3\) \(the shape of out\)"):
        check_same_shape("dout", np.ones((3, 2)), "out", np.ones((2, 3)))


def test_shapes_rejects_unknown_parameter():
    with pytest.raises(TypeError, match="no parameter"):
        shapes(y=("N",))(lambda x: x)


def test_multiplied_sizes():
    check_shape("wx", np.ones((3, 8)), ("D", "4*H"), {"H": 2})
    with pytest.raises(ValueError, match=r"wx: expected shape \(D, 4\*H\) with H=3"):
        check_shape("wx", np.ones((3, 8)), ("D", "4*H"), {"H": 3})
    sizes = {}
    check_shape("b", np.ones(12), ("4*H",), sizes)
    assert sizes == {"H": 3}


def test_same_shape_as_another_argument():
    @shapes(dw="w")
    def step(w, dw):
        return w - dw

    assert step(np.ones((2, 3)), np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match=r"dw: expected shape \(2, 3\) \(the shape of w\), got shape \(3,\)"):
        step(np.ones((2, 3)), np.ones(3))
