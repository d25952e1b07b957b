"""The whole pipeline on the toy course: layout, determinism, single source of truth, CLI."""

from __future__ import annotations

import json

import nbformat
import pytest
from typer.testing import CliRunner

from grader.build.errors import BuildError
from grader.build.function_source import load_reference
from grader.build.pipeline import build_course
from grader.cli import app
from tests.build.helpers import reference_leaks

TOY_FILES = sorted([
    "autograder/01_toy/manifest.json", "autograder/01_toy/tests/test_toy.py", "autograder/01_toy/autograder.zip",
    "release/01_toy/01_toy.ipynb", "release/01_toy/expected.npz", "release/01_toy/nnf_checks.py",
    "release/01_toy/requirements.txt", "release/requirements.txt",
    "source/01_toy/01_toy.ipynb", "source/01_toy/expected.npz", "source/01_toy/nnf_checks.py",
    "nbgrader_config.py", ".nnf-course",
])


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _solution(path, task):
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.metadata["nnf"].get("task") == task and
                c.metadata["nnf"]["kind"] == "solution")


def test_layout(toy_course, tmp_path):
    built = build_course(toy_course, out=tmp_path / "b")
    assert sorted(_tree(tmp_path / "b")) == TOY_FILES
    assert [b.slug for b in built] == ["01_toy"]
    manifest = json.loads((tmp_path / "b/autograder/01_toy/manifest.json").read_text())
    assert [t["name"] for t in manifest["tasks"]] == ["scale_forward", "scale_backward", "cube_forward",
                                                       "cube_backward", "mean_square"]


def test_deterministic(toy_course, tmp_path):
    build_course(toy_course, out=tmp_path / "one")
    build_course(toy_course, out=tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_release_has_no_reference_body(toy_course, toy_tasks, tmp_path):
    build_course(toy_course, out=tmp_path / "b")
    assert reference_leaks(tmp_path / "b/release", [t.reference for t in toy_tasks]) == []
    # the scan does find a body where there is one: the source notebook has them all
    assert len(reference_leaks(tmp_path / "b/source", [t.reference for t in toy_tasks])) >= len(toy_tasks)


def test_editing_the_reference_changes_the_solution(toy_course, toy_root, tmp_path, monkeypatch):
    build_course(toy_course, out=tmp_path / "before")
    module = toy_root / "toyref.py"
    module.write_text(module.read_text().replace("    return x ** 3, x\n", "    return x * x * x, x\n"))
    monkeypatch.delitem(__import__("sys").modules, "toyref")
    build_course(toy_course, out=tmp_path / "after")
    before = _solution(tmp_path / "before/source/01_toy/01_toy.ipynb", "cube_forward")
    after = _solution(tmp_path / "after/source/01_toy/01_toy.ipynb", "cube_forward")
    assert "return x ** 3, x" in before and "return x * x * x, x" in after
    assert after.replace("x * x * x", "x ** 3") == before
    assert load_reference("toyref:cube_forward").body == "    return x * x * x, x"
    for product in ("release/01_toy/01_toy.ipynb", "release/01_toy/expected.npz"):
        assert (tmp_path / "before" / product).read_bytes() == (tmp_path / "after" / product).read_bytes()


def test_rebuild_replaces_stale_files_and_errors_write_nothing(toy_course, toy_assignment, tmp_path):
    out = tmp_path / "b"
    build_course(toy_course, out=out)
    (out / "release/01_toy/stale.txt").write_text("old")
    build_course(toy_course, out=out)
    assert not (out / "release/01_toy/stale.txt").exists()
    good = _tree(out)
    toy_assignment.source.write_text(toy_assignment.source.read_text() + '\n# %% bogus=true\n')
    with pytest.raises(BuildError, match=r"assignments/01_toy/01_toy\.py:\d+: unknown cell option 'bogus'"):
        build_course(toy_course, out=out)
    assert _tree(out) == good


def test_cli_build(toy_root, tmp_path):
    result = CliRunner().invoke(app, ["build", "--config", str(toy_root / "course.toml"), "--out", str(tmp_path / "b"),
                                      "01_toy"])
    assert result.exit_code == 0, result.output
    assert "built 01_toy" in result.stdout
    assert sorted(_tree(tmp_path / "b")) == TOY_FILES


@pytest.mark.parametrize("edit, slugs, message", [
    (lambda root: None, ["01_tyo"], "error: course.toml: no assignment '01_tyo' (did you mean 01_toy?); known: 01_toy"),
    (lambda root: (root / "course.toml").write_text("[course]\ntitel = 'x'\n"), [],
     "error: course.toml: course.titel: unknown key (did you mean title?)"),
    (lambda root: (root / "assignments/01_toy/01_toy.py").write_text("# %% solution=\"toyref:cube\"\n"), [],
     "error: assignments/01_toy/01_toy.py:1: toyref:cube: toyref has no function cube"),
])
def test_cli_bad_input_is_one_line_and_exit_2(toy_root, tmp_path, edit, slugs, message):
    edit(toy_root)
    result = CliRunner().invoke(app, ["build", "--config", str(toy_root / "course.toml"), "--out",
                                      str(tmp_path / "b"), *slugs])
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
