from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from grader.build.files import json_bytes, npz_bytes


def test_npz_is_deterministic_and_loads_without_pickle():
    arrays = {"b": np.arange(3.0), "a": np.array("text"), "c": np.eye(2, dtype=np.int64)}
    first = npz_bytes(arrays)
    assert first == npz_bytes(dict(reversed(list(arrays.items()))))
    with np.load(io.BytesIO(first), allow_pickle=False) as data:
        assert data.files == ["a", "b", "c"]
        assert str(data["a"]) == "text"
        np.testing.assert_array_equal(data["c"], np.eye(2))
    dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert dates == {(1980, 1, 1, 0, 0, 0)}


def test_json_sorted_with_newline():
    data = json_bytes({"b": 1, "a": [1.5, "é"]})
    assert data.endswith(b"\n") and data.index(b'"a"') < data.index(b'"b"')
    assert json.loads(data) == {"a": [1.5, "é"], "b": 1}
