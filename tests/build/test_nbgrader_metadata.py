from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from grader.build.cells import info
from grader.build.nbgrader_metadata import add_nbgrader_metadata
from tests.build.helpers import classified


def _nbgrader_v3_schema() -> dict:
    # Read the schema file without importing nbgrader (which takes seconds).
    package = Path(importlib.util.find_spec("nbgrader").origin).parent
    return json.loads((package / "nbgraderformat" / "v3.json").read_text())


def test_metadata_per_kind(toy_cells, toy_tasks):
    nb = add_nbgrader_metadata(toy_cells, toy_tasks)
    got = [(info(c)["kind"], c.metadata.get("nbgrader")) for c in nb.cells]
    base = {"grade": False, "schema_version": 3}
    assert got[0] == ("markdown", None)
    assert got[1] == ("setup", {**base, "solution": False, "locked": True, "grade_id": "setup"})
    assert got[2] == ("check", {**base, "solution": False, "locked": True, "grade_id": "checks"})
    # a task is one grade cell: its solution cell, a "manually graded answer" worth its points
    points = {t.name: t.points for t in toy_tasks}
    assert got[3] == ("solution", {**base, "grade": True, "solution": True, "locked": False,
                                   "grade_id": "scale_forward", "points": points["scale_forward"]})
    assert got[4] == ("check", {**base, "solution": False, "locked": True, "grade_id": "check_scale_forward"})
    assert got[-1] == ("experiment", None)
    assert "nbgrader" not in toy_cells.cells[1].metadata  # input untouched


def test_valid_against_nbgrader_schema_and_ids_unique(tmp_path):
    nb = add_nbgrader_metadata(classified(tmp_path, (
        '# %% setup=true\nimport numpy as np\n\n# %% setup=true\nx = 1\n\n# %% solution="m:f"\n\n'
        '# %% check="f"\nc()\n\n# %% check="f"\nd()\n\n# %% check=true\ne()\n')),
        [SimpleNamespace(name="f", points=2.5)])
    schema = _nbgrader_v3_schema()
    ids = []
    for cell in nb.cells:
        jsonschema.validate(cell.metadata["nbgrader"], schema)
        ids.append(cell.metadata["nbgrader"]["grade_id"])
    assert ids == ["setup", "setup_2", "f", "check_f", "check_f_2", "checks"]
    assert [c.metadata["nbgrader"].get("points") for c in nb.cells] == [None, None, 2.5, None, None, None]


def test_unclassified_notebook_is_refused():
    from nbformat.v4 import new_code_cell, new_notebook

    with pytest.raises(ValueError, match="run classify_cells"):
        add_nbgrader_metadata(new_notebook(cells=[new_code_cell("x = 1")]), [])
