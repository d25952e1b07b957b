"""The Gradescope autograder.zip of the toy course: what it holds, its modes, its pins, and the
same bytes on every build (tests/platforms/test_gradescope_autograder.py runs a real one)."""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from importlib import metadata

from grader.build.pipeline import build_course


def _zip(course, out) -> zipfile.ZipFile:
    build_course(course, out=out)
    return zipfile.ZipFile(io.BytesIO((out / "autograder" / "01_toy" / "autograder.zip").read_bytes()))


def test_contents_modes_and_pins(toy_course, tmp_path):
    archive = _zip(toy_course, tmp_path / "b")
    names = archive.namelist()
    assert names == sorted(names) and {"setup.sh", "run_autograder", "requirements.txt", "secret",
                                       "bundle/manifest.json", "bundle/tests/test_toy.py"} <= set(names)
    modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755 and modes["secret"] == 0o644
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert archive.read("secret").decode() == toy_course.secret
    # the framework is the grader package plus the tasks' reference module (here toyref.py)
    assert "framework/toyref.py" in names and "framework/grader/grading/submission.py" in names
    assert not any(n.startswith("framework/reference/") or "__pycache__" in n for n in names)
    pyproject = tomllib.loads(archive.read("framework/pyproject.toml").decode())
    assert pyproject["tool"]["setuptools"]["py-modules"] == ["toyref"]
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["grader*"]
    pins = dict(line.split("==") for line in archive.read("requirements.txt").decode().split())
    assert pins["numpy"] == metadata.version("numpy") and pins["pytest"] == metadata.version("pytest")
    assert "jupyterlab" not in pins and "nbgrader" not in pins  # grading needs neither
    assert json.loads(archive.read("bundle/manifest.json"))["slug"] == "01_toy"
    setup = archive.read("setup.sh").decode()
    assert 'ROOT="${NNF_AUTOGRADER_ROOT:-/autograder}"' in setup and "uv venv --python 3." in setup


def test_same_sources_same_bytes(toy_course, tmp_path):
    build_course(toy_course, out=tmp_path / "one")
    build_course(toy_course, out=tmp_path / "two")
    path = "autograder/01_toy/autograder.zip"
    assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "two" / path).read_bytes()
