"""Regenerate the fixture submissions in this folder: ``python tests/files/submissions/make_fixtures.py``.

Kept as files (not built in the tests) because they are what real students send: an old
nbformat v3 notebook, a truncated download, an empty upload, a Latin-1 re-save, a complete
notebook with outputs left in, and a Jupytext percent script.
"""

from pathlib import Path

import nbformat
from nbformat import v3, v4

HERE = Path(__file__).parent
SETUP = {"nbgrader": {"grade": False, "solution": False, "locked": True, "schema_version": 3,
                      "grade_id": "setup_imports", "points": 0}}


def solution(function: str) -> dict:
    return {"nbgrader": {"grade": False, "solution": True, "locked": False, "schema_version": 3,
                         "grade_id": function, "points": 0}}


SIGMOID = "def sigmoid_forward(x):\n    out = 1.0 / (1.0 + np.exp(-x))\n    return out, out\n"
RELU = "def relu_forward(x):\n    return np.maximum(x, 0.0), x\n"


def complete_v4() -> None:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Activations"),
        v4.new_code_cell("import numpy as np", metadata=SETUP),
        v4.new_code_cell(SIGMOID, metadata=solution("sigmoid_forward"), execution_count=3,
                         outputs=[v4.new_output("stream", name="stdout", text="ok\n")]),
        v4.new_code_cell("check_outputs('sigmoid_forward', sigmoid_forward)", metadata={"check": "sigmoid_forward"},
                         outputs=[v4.new_output("stream", name="stdout", text="PASS sigmoid_forward\n")]),
        v4.new_code_cell(RELU, metadata=solution("relu_forward")),
        v4.new_code_cell("for epoch in range(10**9):\n    pass", metadata={"experiment": True}),
    ]
    nbformat.write(nb, HERE / "complete.ipynb")


def old_v3() -> None:
    cells = [v3.new_code_cell(input="import numpy as np", metadata=SETUP),
             v3.new_code_cell(input=SIGMOID, metadata=solution("sigmoid_forward")),
             v3.new_text_cell("markdown", source="Done.")]
    (HERE / "nbformat3.ipynb").write_text(v3.writes_json(v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)])))


def broken() -> None:
    text = (HERE / "complete.ipynb").read_text()
    (HERE / "truncated.ipynb").write_text(text[: len(text) // 2])
    (HERE / "empty.ipynb").write_bytes(b"")
    (HERE / "latin1.ipynb").write_bytes(text.replace("Activations", "Activations \u00e9t\u00e9").encode("latin-1"))


def percent_script() -> None:
    (HERE / "percent.py").write_text(
        "# %% [markdown]\n# # Activations\n\n"
        "# %% setup=true\nimport numpy as np\n\n"
        f'# %% solution="reference.activations:sigmoid_forward"\n{SIGMOID}\n'
        '# %% check="sigmoid_forward"\ncheck_outputs("sigmoid_forward", sigmoid_forward)\n\n'
        "# %% experiment=true\n# !rm -rf data\nwhile True:\n    pass\n\n"
        f"# %%\n{RELU}print(relu_forward(np.ones(2)))\n")


if __name__ == "__main__":
    complete_v4()
    old_v3()
    broken()
    percent_script()
