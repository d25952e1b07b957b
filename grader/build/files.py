"""Deterministic bytes for what the build writes: the same content always gives the same bytes
(sorted keys, no timestamps, fixed zip dates, stored uncompressed so no zlib version shows).

    notebook_bytes(nb) -> bytes      json_bytes(obj) -> bytes      npz_bytes(arrays) -> bytes
    zip_bytes(members, executable=()) -> bytes
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Collection, Mapping

import nbformat
import numpy as np
from nbformat import NotebookNode

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def notebook_bytes(nb: NotebookNode) -> bytes:
    """nbformat's JSON (validated, keys sorted, indent 1) with a final newline."""
    text = nbformat.writes(nb, version=4)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def json_bytes(obj) -> bytes:
    """Indented JSON, keys sorted, final newline."""
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def zip_bytes(members: Mapping[str, bytes], *, executable: Collection[str] = ()) -> bytes:
    """A zip of ``members`` (archive path -> content) in path order, every date fixed; the
    paths in ``executable`` get mode 0755, the others 0644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = (0o755 if name in executable else 0o644) << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An .npz (readable with ``np.load(..., allow_pickle=False)``) with members in key order
    and a fixed date, unlike ``np.savez``, which stamps the current time."""
    members = {}
    for key, array in arrays.items():
        member = io.BytesIO()
        np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
        members[f"{key}.npy"] = member.getvalue()
    return zip_bytes(members)
