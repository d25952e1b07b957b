from __future__ import annotations

import textwrap

import pytest

from grader.build.errors import BuildError
from grader.build.function_source import bound_names, load_reference


def _module(tmp_path, monkeypatch, name: str, text: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, name, raising=False)


def test_header_body_and_stripped_shapes_decorator(toy_root):
    ref = load_reference("toyref:scale_forward")
    assert ref.name == "scale_forward" and ref.path == "toyref:scale_forward"
    assert ref.header.startswith("def scale_forward(x, *, factor=2.0):\n    \"\"\"Multiply by a constant.")
    assert ref.header.endswith('Formula: out = factor x.\n    """')
    assert "@shapes" not in ref.header
    assert ref.body == "    # Scaling keeps the shape.\n    out = factor * x\n    return out, factor"
    assert ref.indent == "    "
    assert ref.free_names == frozenset()  # `shapes` is only in the stripped decorator
    assert ref.function(__import__("numpy").ones((1, 2)))[1] == 2.0


def test_multiline_shapes_decorator_is_stripped(tmp_path, monkeypatch):
    _module(tmp_path, monkeypatch, "multi_ref", '''
        import numpy as np
        from reference._validate import shapes

        @shapes(
            x=("N", "D"),
        )
        def f(x):
            """Doc."""
            return np.abs(x), x
        ''')
    ref = load_reference("multi_ref:f")
    assert ref.header == 'def f(x):\n    """Doc."""'
    assert ref.body == "    return np.abs(x), x"
    assert ref.free_names == frozenset({"np"})


def test_free_names_exclude_locals_imports_and_builtins(tmp_path, monkeypatch):
    _module(tmp_path, monkeypatch, "free_ref", '''
        def f(x, *, k=2):
            """Doc."""
            from math import pi
            total = [abs(v) * pi for v in x]
            for i, v in enumerate(total):
                total[i] = helper(v) + CONSTANT
            return total
        ''')
    assert load_reference("free_ref:f").free_names == frozenset({"helper", "CONSTANT"})


@pytest.mark.parametrize("path, message", [
    ("no_such_module_xyz:f", r"no_such_module_xyz:f: cannot import no_such_module_xyz"),
    ("toyref:cube_froward", r"toyref:cube_froward: toyref has no function cube_froward \(did you mean cube_forward\?\)"),
])
def test_bad_paths(toy_root, path, message):
    with pytest.raises(BuildError, match=message):
        load_reference(path)


@pytest.mark.parametrize("text, message", [
    ('import functools\n@functools.lru_cache\ndef f(x):\n    """Doc."""\n    return x\n',
     r"decorator @functools.lru_cache cannot be inlined"),
    ("def f(x):\n    return x\n", r"has no docstring"),
    ('def f(x):\n    """Doc."""\n', r"nothing after its docstring"),
    ('def make():\n    def f(x):\n        """Doc."""\n        return x\n    return f\nf = make()\n',
     r"f is not a top-level def"),
])
def test_functions_that_cannot_be_inlined(tmp_path, monkeypatch, text, message):
    _module(tmp_path, monkeypatch, "bad_ref", text)
    with pytest.raises(BuildError, match=message):
        load_reference("bad_ref:f")


def test_bound_names():
    code = "import numpy as np\nimport os.path\nfrom math import pi as PI\nX, Y = 1, 2\ndef g(a): pass\nclass C: pass\n"
    assert bound_names(code) == {"np", "os", "PI", "X", "Y", "g", "a", "C"}
