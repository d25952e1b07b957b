"""Safety rails: the committed development secret is recognised; outputs never go among the sources."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.config import ConfigError, load_course
from grader.lifecycle.safety import OutputLocationError, development_secret, refuse_output_inside_sources
from grader.lifecycle.scaffold import full_slug

ROOT = Path(__file__).resolve().parents[2]


def test_development_secret_is_the_committed_one():
    assert development_secret(load_course(ROOT / "course.toml", environ={}))
    assert not development_secret(load_course(ROOT / "course.toml", environ={"NNF_COURSE_SECRET": "private"}))


@pytest.mark.parametrize("folder", ["assignments", "assignments/01_activations/out", "reference", "reference/x/y"])
def test_outputs_inside_the_sources_are_refused(folder):
    with pytest.raises(OutputLocationError, match="never among the sources"):
        refuse_output_inside_sources(ROOT / folder, load_course(ROOT / "course.toml"))


def test_outputs_elsewhere_are_fine(tmp_path):
    refuse_output_inside_sources(tmp_path / "grades", load_course(ROOT / "course.toml"))
    refuse_output_inside_sources(ROOT / "out" / "assignments", load_course(ROOT / "course.toml"))


def test_build_refuses_an_output_inside_assignments():
    result = CliRunner().invoke(app, ["build", "01_activations", "--out", str(ROOT / "assignments" / "built"),
                                      "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 2 and "inside the course's assignments/ folder" in result.output
    assert not (ROOT / "assignments" / "built").exists()


def test_new_slugs():
    assert full_slug("attention", ["01_a", "08_b"]) == "09_attention"
    assert full_slug("12_x", ["01_a"]) == "12_x"
    with pytest.raises(ConfigError, match="not a valid assignment name"):
        full_slug("Attention!", [])
