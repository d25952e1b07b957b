from __future__ import annotations

import pytest

from grader.build.errors import BuildError
from grader.build.source import read_source
from tests.build.helpers import write_source


def test_reads_cells_with_header_metadata_and_lines(tmp_path):
    path = write_source(tmp_path, '# %% [markdown]\n# Hello $x$\n\n# %% setup=true\nimport numpy as np\n\n\n'
                                  'def f():\n    return 1\n\n\n# %% solution="m:f"\n')
    nb = read_source(path)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "Hello $x$"
    # jupytext's layout keys (lines_to_next_cell after the two blank lines) are not the author's
    assert [dict(c.metadata) for c in nb.cells] == [{}, {"setup": True}, {"solution": "m:f"}]
    assert nb.metadata["nnf"] == {"origin": "01_toy.py", "lines": [1, 4, 12]}
    assert all("id" not in c for c in nb.cells)


def test_label_names_the_file_in_errors(tmp_path):
    with pytest.raises(BuildError, match=r"^assignments/x\.py:1: text before the first"):
        read_source(write_source(tmp_path, "import os\n# %% setup=true\nx = 1\n"), label="assignments/x.py")


def test_no_headers_is_an_error(tmp_path):
    with pytest.raises(BuildError, match="no `# %%` cell headers"):
        read_source(write_source(tmp_path, "x = 1\n"))


def test_missing_file(tmp_path):
    with pytest.raises(BuildError, match="no such file"):
        read_source(tmp_path / "absent.py")
