from __future__ import annotations

import ast
import copy

from grader.build.cells import info
from grader.build.inline_solutions import BEGIN, END, inline_solutions
from grader.build.stub_solutions import stub_solutions


def _solutions(nb):
    return {info(c)["task"]: c.source for c in nb.cells if info(c)["kind"] == "solution"}


def test_inline_puts_the_reference_body_between_markers(toy_cells, toy_tasks):
    before = copy.deepcopy(toy_cells)
    cells = _solutions(inline_solutions(toy_cells, toy_tasks))
    assert toy_cells == before
    assert cells["scale_forward"] == (
        'def scale_forward(x, *, factor=2.0):\n'
        '    """Multiply by a constant.\n\n'
        '    x: (N, D). Returns out: (N, D) and cache = factor.\n'
        '    Formula: out = factor x.\n'
        '    """\n'
        f'    {BEGIN}\n'
        '    # Scaling keeps the shape.\n'
        '    out = factor * x\n'
        '    return out, factor\n'
        f'    {END}')
    namespace = {"np": __import__("numpy")}
    for source in cells.values():
        exec(compile(source, "<cell>", "exec"), namespace)
    assert namespace["cube_backward"](2.0, 3.0) == 54.0


def test_stub_keeps_signature_and_docstring_and_names_the_task(toy_cells, toy_tasks):
    before = copy.deepcopy(toy_cells)
    cells = _solutions(stub_solutions(toy_cells, toy_tasks))
    assert toy_cells == before
    stub = cells["cube_forward"]
    assert stub.startswith('def cube_forward(x):\n    """Cube every entry.')
    assert stub.endswith('\n    raise NotImplementedError("Task 01.cube_forward: implement cube_forward")')
    for source in cells.values():
        tree = ast.parse(source)
        assert isinstance(tree.body[0].body[-1], ast.Raise)
        assert len(tree.body[0].body) == 2  # docstring + raise, nothing of the body
        assert "SOLUTION" not in source
