"""One Limits type: course.toml -> manifest -> bundle -> worker, with its defaults written once."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from grader.bundle import AssignmentBundle, BundleError
from grader.limits import Limits


def test_every_field_survives_the_manifest():
    limits = Limits(call_timeout_seconds=3.5, memory_mb=700, cpu_seconds=9.0, output_bytes=100,
                    submission_seconds=50.0, cell_timeout_seconds=4.0, start_timeout_seconds=6.0, file_mb=2,
                    max_processes=3, max_restarts=5)
    assert Limits.from_manifest(json.loads(json.dumps(limits.to_manifest()))) == limits


def test_worker_units_derive_from_the_course_units():
    limits = Limits(memory_mb=3, file_mb=2, output_bytes=1001)
    assert (limits.memory_bytes, limits.file_bytes, limits.stream_chars) == (3 * 1024**2, 2 * 1024**2, 500)


def test_a_manifest_without_a_limit_is_refused_not_filled_in(tmp_path):
    data = Limits().to_manifest()
    del data["max_restarts"]
    with pytest.raises(KeyError, match="max_restarts"):
        Limits.from_manifest(data)
    manifest = {"slug": "01_x", "title": "X", "tasks": [], "limits": data, "tolerances": {}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="max_restarts.*rebuild it with `course build`"):
        AssignmentBundle.load(tmp_path)


def test_course_toml_can_set_every_limit():
    from grader.config import _LIMIT_KEYS

    assert set(_LIMIT_KEYS) == {f.name for f in fields(Limits)}
