from __future__ import annotations

from grader.build.manifest import hidden_suite, make_manifest
from grader.tolerance import Tolerance


def test_manifest_fields(toy_assignment, toy_tasks):
    manifest = make_manifest(toy_assignment, toy_tasks, tolerances={"values": Tolerance(1e-6, 1e-8)},
                             hidden=["tests/test_toy.py"])
    assert manifest["slug"] == "01_toy" and manifest["title"] == "Toy assignment"
    assert manifest["due"] == "2026-01-31T23:59:00+00:00"
    assert manifest["tasks"][1] == {"name": "scale_backward", "task_id": "Task 01.scale_backward", "points": 2.0,
                                    "reference": "toyref:scale_backward"}
    assert manifest["total_points"] == 5.5
    assert manifest["limits"] == {"call_timeout_seconds": 10.0, "memory_mb": 512, "cpu_seconds": 120.0,
                                  "output_bytes": 65536, "submission_seconds": 120.0,
                                  "cell_timeout_seconds": 30.0, "start_timeout_seconds": 30.0, "file_mb": 64,
                                  "max_processes": 16, "max_restarts": 20}
    assert manifest["tolerances"] == {"values": {"rtol": 1e-6, "atol": 1e-8}}
    assert manifest["hidden_tests"] == ["tests/test_toy.py"]


def test_hidden_suite_skips_caches(toy_assignment):
    cache = toy_assignment.hidden_tests / "__pycache__"
    cache.mkdir()
    (cache / "x.pyc").write_bytes(b"\0")
    (toy_assignment.hidden_tests / "data").mkdir()
    (toy_assignment.hidden_tests / "data" / "cases.json").write_text("{}")
    assert sorted(hidden_suite(toy_assignment.hidden_tests)) == ["tests/data/cases.json", "tests/test_toy.py"]
    assert hidden_suite(toy_assignment.folder / "absent") == {}
