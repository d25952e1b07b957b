"""Extraction of the code to grade from what students really submit."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from grader.grading.extract import (
    SubmissionError,
    extract_submission,
    keep_definitions,
    strip_ipython,
)

FILES = Path(__file__).parent / "files" / "submissions"
EXPECTED = ["sigmoid_forward", "relu_forward"]
SIGMOID = "def sigmoid_forward(x):\n    out = 1.0 / (1.0 + np.exp(-x))\n    return out, out\n"
RELU = "def relu_forward(x):\n    return np.maximum(x, 0.0), x\n"


def nbgrader(grade_id: str, *, solution: bool) -> dict:
    return {"nbgrader": {"grade": False, "solution": solution, "locked": not solution,
                         "schema_version": 3, "grade_id": grade_id, "points": 0}}


def release_cells() -> list:
    """The cells of a release notebook, in order, with the build's metadata."""
    return [
        v4.new_markdown_cell("# Activations"),
        v4.new_code_cell("import numpy as np", metadata=nbgrader("setup_imports", solution=False)),
        v4.new_code_cell(SIGMOID, metadata=nbgrader("sigmoid_forward", solution=True)),
        v4.new_code_cell("check_outputs('sigmoid_forward', sigmoid_forward)", metadata={"check": "sigmoid_forward"}),
        v4.new_code_cell(RELU, metadata=nbgrader("relu_forward", solution=True)),
        v4.new_code_cell("train(model)", metadata={"experiment": True}),
    ]


def write_notebook(tmp_path: Path, cells: list, name: str = "submission.ipynb") -> Path:
    nb = v4.new_notebook()
    nb.cells = cells
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def kinds(result) -> list[tuple[int, str]]:
    return [(chunk.cell_index, chunk.kind) for chunk in result.chunks]


def test_complete_notebook_with_outputs_runs_setup_and_solutions_only():
    result = extract_submission(FILES / "complete.ipynb", expected_functions=EXPECTED)
    assert kinds(result) == [(1, "setup"), (2, "solution"), (4, "solution")]
    assert result.functions == {"sigmoid_forward": 2, "relu_forward": 4}
    assert result.missing == [] and result.problems == []
    assert all("check_outputs" not in c.source and "epoch" not in c.source for c in result.chunks)


def test_release_metadata_written_by_the_build(tmp_path):
    """``course build`` keeps nbgrader metadata and ``metadata.nnf`` = {kind, task}, and drops
    the Jupytext keys: experiments then carry nothing but ``nnf``."""

    def nnf(kind: str, task: str | None = None, nbgrader_id: str | None = None) -> dict:
        meta = {"nnf": {"kind": kind, **({"task": task} if task else {})}}
        if nbgrader_id:
            meta["nbgrader"] = {"grade": False, "solution": kind == "solution", "locked": kind != "solution",
                                "schema_version": 3, "grade_id": nbgrader_id}
        return meta

    cells = [
        v4.new_code_cell("import numpy as np", metadata=nnf("setup", nbgrader_id="setup")),
        v4.new_code_cell("from nnf_checks import check_outputs", metadata=nnf("check", nbgrader_id="checks")),
        v4.new_code_cell(SIGMOID, metadata=nnf("solution", "sigmoid_forward", "sigmoid_forward")),
        v4.new_code_cell("check_outputs('sigmoid_forward', sigmoid_forward)",
                         metadata=nnf("check", "sigmoid_forward", "check_sigmoid_forward")),
        v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1])", metadata=nnf("experiment")),
        v4.new_code_cell(RELU, metadata={"nnf": {"kind": "solution", "task": "relu_forward"}}),
    ]
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert [(c.cell_index, c.kind, c.grade_id) for c in result.chunks] == [
        (0, "setup", "setup"), (2, "solution", "sigmoid_forward"), (5, "solution", "relu_forward")]
    assert result.problems == []
    # Locked nbgrader cells are classified by grade_id alone when nnf is stripped.
    for cell in cells:
        cell.metadata.pop("nnf")
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert [c.kind for c in result.chunks if c.cell_index in (0, 1, 3)] == ["setup"]


def test_moved_and_added_cells_keep_notebook_order(tmp_path):
    cells = release_cells()
    cells[2], cells[4] = cells[4], cells[2]  # solutions swapped
    cells.insert(3, v4.new_code_cell("def helper(x):\n    return 2 * x\n\nprint(helper(3))"))
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert result.functions == {"relu_forward": 2, "sigmoid_forward": 5}
    added = next(c for c in result.chunks if c.cell_index == 3)
    assert added.kind == "other"
    assert "def helper" in added.source and "print" not in added.source
    assert added.source.splitlines()[0] == "def helper(x):"  # line numbers kept
    assert any("cell 4: only its definitions" in p for p in result.problems)


def test_deleted_cell_is_reported_missing(tmp_path):
    cells = release_cells()
    del cells[4]
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert result.missing == ["relu_forward"]
    assert any("relu_forward: no definition found" in p for p in result.problems)


def test_stripped_metadata_falls_back_to_def_names(tmp_path):
    cells = release_cells()
    for cell in cells:
        cell.metadata = {}
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert result.functions == {"sigmoid_forward": 2, "relu_forward": 4}
    by_cell = {c.cell_index: c for c in result.chunks}
    assert by_cell[2].kind == by_cell[4].kind == "solution"
    assert by_cell[1].source == "import numpy as np"  # the import survives as a definition
    # The former check and experiment cells are calls only: nothing of them runs.
    assert 3 not in by_cell and 5 not in by_cell


def test_markdown_cell_with_the_code_is_not_run_but_reported(tmp_path):
    cells = release_cells()
    cells[2] = v4.new_markdown_cell(SIGMOID, metadata=cells[2].metadata)
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert "sigmoid_forward" in result.missing
    assert all("sigmoid_forward" not in c.source for c in result.chunks)
    assert any("cell 3, which is a markdown cell" in p for p in result.problems)


def test_def_written_in_an_experiment_cell_runs_without_the_experiment(tmp_path):
    cells = release_cells()
    del cells[4]
    cells[-1].source = "history = train(model)\n" + RELU
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert result.functions["relu_forward"] == 4
    rescued = next(c for c in result.chunks if c.cell_index == 4)
    assert "def relu_forward" in rescued.source and "train" not in rescued.source
    assert rescued.source.splitlines()[1] == "def relu_forward(x):"


def test_duplicate_grade_id_is_reported_and_the_last_definition_wins(tmp_path):
    cells = release_cells()
    late = "def sigmoid_forward(x):\n    return x, x\n"
    cells.append(v4.new_code_cell(late, metadata=nbgrader("sigmoid_forward", solution=True)))
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    assert [c.cell_index for c in result.chunks if c.grade_id == "sigmoid_forward"] == [2, 6]
    assert result.functions["sigmoid_forward"] == 6
    assert any("grade_id 'sigmoid_forward' is used by cells 3, 7" in p for p in result.problems)
    assert any("the last definition (cell 7)" in p for p in result.problems)


def test_shell_escapes_and_magics_are_removed_and_reported(tmp_path):
    cells = release_cells()
    cells[1].source = "%matplotlib inline\nimport numpy as np"
    cells[2].source = "!rm -rf ~/important\n" + SIGMOID + "files = !ls\n"
    result = extract_submission(write_notebook(tmp_path, cells), expected_functions=EXPECTED)
    joined = "\n".join(c.source for c in result.chunks)
    assert "rm -rf" not in joined and "!ls" not in joined and "%matplotlib" not in joined
    assert any(p.startswith("shell escape removed at cell 3, line 1: !rm -rf") for p in result.problems)
    assert any("shell escape removed at cell 3, line 5" in p for p in result.problems)
    assert any("IPython magic removed at cell 2" in p for p in result.problems)
    solution = next(c for c in result.chunks if c.cell_index == 2)
    assert solution.source.splitlines()[1] == "def sigmoid_forward(x):"  # line numbers kept


def test_strip_ipython_leaves_valid_python_alone_and_drops_shell_cell_magics():
    modulo = "y = (10\n% 3)\n"
    assert strip_ipython(modulo, "cell 1") == (modulo, [])
    assert strip_ipython("%%bash\nrm -rf /\n", "cell 4") == ("", ["cell 4 is a %%bash cell magic; it is not run"])
    source, problems = strip_ipython("%%time\nx = 1\nif x:\n    !echo hi\n", "cell 2")
    compile(source, "<test>", "exec")
    assert "echo" not in source and len(problems) == 2


def test_keep_definitions_blanks_calls_and_keeps_constants():
    source = ("import numpy as np\nEPS = 1e-8\nSCALE = -2 * np.pi\nrng = make_rng()\n"
              "@decorate\ndef f():\n    return 1\nf()\n")
    kept, dropped = keep_definitions(source)
    assert dropped == 2
    assert kept.split("\n") == ["import numpy as np", "EPS = 1e-8", "SCALE = -2 * np.pi", "", "@decorate",
                                 "def f():", "    return 1", ""]
    rebuilt, dropped = keep_definitions("import math; run()\n")
    assert rebuilt.strip() == "import math" and dropped == 1


def test_nbformat_v3_notebook_is_upgraded():
    result = extract_submission(FILES / "nbformat3.ipynb", expected_functions=EXPECTED)
    assert kinds(result) == [(0, "setup"), (1, "solution")]
    assert result.functions == {"sigmoid_forward": 1}
    assert result.missing == ["relu_forward"]


@pytest.mark.parametrize(("name", "phrase"), [
    ("truncated.ipynb", "is not valid JSON (line"),
    ("empty.ipynb", "is empty"),
    ("latin1.ipynb", "is not UTF-8 text (byte 0xe9"),
])
def test_unreadable_files_raise_a_clear_submission_error(name, phrase):
    with pytest.raises(SubmissionError, match=phrase.replace("(", r"\(")):
        extract_submission(FILES / name, expected_functions=EXPECTED)


def test_json_that_is_not_a_notebook_is_refused(tmp_path):
    path = tmp_path / "list.ipynb"
    path.write_text("[1, 2, 3]")
    with pytest.raises(SubmissionError, match="not a Jupyter notebook"):
        extract_submission(path, expected_functions=EXPECTED)


def test_malformed_cells_are_ignored_with_a_problem(tmp_path):
    path = tmp_path / "odd.ipynb"
    path.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [7, '
                    '{"cell_type": "code", "source": ["import numpy as np\\n", "x = 1"]}]}')
    result = extract_submission(path, expected_functions=[])
    assert [c.source for c in result.chunks] == ["import numpy as np\nx = 1"]
    assert result.problems == ["cell 1 is malformed and was ignored"]


def test_percent_script_uses_its_cell_metadata():
    result = extract_submission(FILES / "percent.py", expected_functions=EXPECTED)
    assert result.format == "py:percent"
    by_cell = {c.cell_index: c for c in result.chunks}
    assert by_cell[1].kind == "setup" and by_cell[2].kind == "solution"
    assert by_cell[2].grade_id == "sigmoid_forward"
    assert by_cell[5].kind == "solution" and "print" in by_cell[5].source
    assert 3 not in by_cell and 4 not in by_cell  # the check and the endless experiment


def test_plain_module_is_one_chunk(tmp_path):
    path = tmp_path / "student.py"
    path.write_text("import numpy as np\n\n" + SIGMOID + "\nif __name__ == '__main__':\n    print('hi')\n")
    result = extract_submission(path, expected_functions=EXPECTED)
    assert kinds(result) == [(0, "module")]
    assert result.chunks[0].source == path.read_text()
    assert result.functions == {"sigmoid_forward": 0}
    assert result.missing == ["relu_forward"]


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("def sigmoid_forward(x): pass")
    with pytest.raises(SubmissionError, match="expected a .ipynb notebook or a .py file"):
        extract_submission(path, expected_functions=EXPECTED)


def test_strip_ipython_drops_get_ipython_statements():
    source = "import numpy as np\nget_ipython().input_transformers_post.append(lambda l: l)\nip = get_ipython()\n"
    cleaned, problems = strip_ipython(source, "cell 2")
    assert cleaned == "import numpy as np\npass\npass\n"
    assert [p.split(":")[0] for p in problems] == ["IPython call removed at cell 2, line 2",
                                                    "IPython call removed at cell 2, line 3"]
