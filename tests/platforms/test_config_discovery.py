"""`course` finds course.toml like git finds .git: from any folder below the course root, and
from a build folder (an nbgrader course folder) that lives elsewhere; --config still wins."""

from __future__ import annotations

import shutil

import pytest

from grader.config import ConfigError
from grader.config_discovery import COURSE_LINK, find_course_toml
from tests.platforms.conftest import ROOT, SLUG, course


def test_found_from_below_and_through_a_build_link(tmp_path):
    (tmp_path / "course.toml").write_text("[course]\n")
    deep = tmp_path / "submissions" / "alice"
    deep.mkdir(parents=True)
    assert find_course_toml(deep) == tmp_path / "course.toml"
    elsewhere = tmp_path.parent / f"{tmp_path.name}-srv" / "nbgrader" / "submitted"
    elsewhere.mkdir(parents=True)
    (elsewhere.parent / COURSE_LINK).write_text(f"../../{tmp_path.name}/course.toml\n")
    assert find_course_toml(elsewhere) == tmp_path / "course.toml"
    shutil.rmtree(elsewhere.parent.parent)


def test_a_broken_link_or_no_course_is_one_clear_error(tmp_path):
    (tmp_path / COURSE_LINK).write_text("../gone/course.toml\n")
    with pytest.raises(ConfigError, match="gone/course.toml, which does not exist .pass --config"):
        find_course_toml(tmp_path)


def test_course_commands_from_inside_a_build_folder_outside_the_repository(built, samples, tmp_path):
    # `built` was built with --out outside the repository: its .nnf-course leads back to course.toml
    inside = built / "source" / SLUG
    result = course("grade", SLUG, str(samples / "complete" / SLUG / f"{SLUG}.ipynb"), "--out",
                    str(tmp_path / "grades"), "--jobs", "1", cwd=inside)
    assert "22 / 22" in result.stdout
    # --config still wins: a wrong one is an error even where discovery would succeed
    wrong = course("grade", SLUG, str(samples), "--config", str(tmp_path / "nope.toml"), cwd=inside, check=False)
    assert wrong.returncode == 2 and "nope.toml: no such file" in " ".join(wrong.stderr.split())
    # and with no course anywhere above, the error says what to do
    lost = course("build", "--out", str(tmp_path / "b"), cwd=tmp_path, check=False)
    assert lost.returncode == 2 and "pass --config" in " ".join(lost.stderr.split()) and "Traceback" not in lost.stderr


def test_from_a_subfolder_of_the_course_root():
    result = course("grade", "09_nope", str(ROOT), cwd=ROOT / "assignments" / SLUG / "tests", check=False)
    assert result.returncode == 2 and "no assignment '09_nope'" in " ".join(result.stderr.split())
