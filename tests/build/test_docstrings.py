"""Stubs show docstrings with single backslashes; the value (help()) never changes."""

from __future__ import annotations

import pytest

from grader.build.docstrings import readable_docstring
from grader.build.function_source import load_reference


def _doc(header: str) -> str:
    namespace: dict = {}
    exec(header + "\n    pass", namespace)
    return [v for k, v in namespace.items() if k != "__builtins__"][0].__doc__


def test_backslashes_become_a_raw_docstring_with_the_same_value():
    header = 'def f(x):\n    """Formula: \\\\sigma(x) \\\\odot y.\n\n    More.\n    """'
    new = readable_docstring(header)
    assert new == 'def f(x):\n    r"""Formula: \\sigma(x) \\odot y.\n\n    More.\n    """'
    assert _doc(new) == _doc(header) == "Formula: \\sigma(x) \\odot y.\n\n    More.\n    "


@pytest.mark.parametrize("header", [
    'def f(x):\n    """No backslash here."""',
    'def f(x):\n    r"""Already raw: \\sigma."""',
    'def f(x):\n    """A tab\\there and \\\\sigma."""',       # a control character: a raw string cannot spell it
    'def f(x):\n    """Ends in a backslash \\\\"""',
])
def test_left_alone_when_not_needed_or_not_possible(header):
    assert readable_docstring(header) == header


def test_every_reference_docstring_with_latex_keeps_its_value():
    for path in ("reference.activations:gelu_tanh_backward", "reference.activations:sigmoid_forward"):
        reference = load_reference(path)
        new = readable_docstring(reference.header)
        assert "\\\\" not in new
        assert _doc(new) == reference.function.__doc__
