"""course.toml: loading, defaults, and one test per kind of error (each names the key)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from grader.config import SECRET_ENV, ConfigError, check_points, load_course
from grader.limits import Limits
from grader.tolerance import Tolerance

GOOD = '''\
[course]
title = "T"
secret = "s"

[grading.limits]
memory_mb = 1024

[grading.tolerances]
values = { rtol = 1e-5, atol = 1e-9 }
gradients = { rtol = 1e-4, atol = 1e-6 }

[[assignments]]
slug = "01_one"
title = "One"
due = 2026-10-05T23:59:00+02:00
[assignments.limits]
call_timeout_seconds = 3
[assignments.points]
f_forward = 1
f_backward = 2.5

[[assignments]]
slug = "02_two"
title = "Two"
due = 2026-10-12T23:59:00Z
[assignments.points]
g = 1
'''


def _course(tmp_path: Path, text: str = GOOD, slugs=("01_one", "02_two"), environ=None):
    for slug in slugs:
        (tmp_path / "assignments" / slug).mkdir(parents=True, exist_ok=True)
        (tmp_path / "assignments" / slug / f"{slug}.py").write_text("# %% setup=true\n")
    (tmp_path / "course.toml").write_text(text)
    return load_course(tmp_path / "course.toml", environ=environ or {})


def _error(tmp_path, text, **kwargs) -> str:
    with pytest.raises(ConfigError) as caught:
        _course(tmp_path, text, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_loads_values_defaults_and_overrides(tmp_path):
    course = _course(tmp_path)
    assert course.title == "T" and course.secret == "s"
    assert course.build_dir == tmp_path / "build" and course.root == tmp_path
    assert course.grading.limits == Limits(memory_mb=1024)
    assert course.grading.tolerances == {"gradients": Tolerance(1e-4, 1e-6), "values": Tolerance(1e-5, 1e-9)}
    one, two = course.assignments
    assert (one.slug, one.title, one.number, one.key) == ("01_one", "One", "01", "assignments[0]")
    assert one.due == datetime(2026, 10, 5, 23, 59, tzinfo=timezone(timedelta(hours=2)))
    assert one.points == {"f_forward": 1.0, "f_backward": 2.5}
    assert one.limits == Limits(call_timeout_seconds=3.0, memory_mb=1024)  # grading default + override
    assert two.limits == course.grading.limits
    assert one.source == tmp_path / "assignments/01_one/01_one.py"
    assert one.checks.name == "checks.py" and one.hidden_tests.name == "tests"
    assert course.assignment("02_two") is two


def test_hand_in_is_optional_markdown(tmp_path):
    assert _course(tmp_path).hand_in == ""
    text = GOOD.replace('title = "T"\n', 'title = "T"\nhand_in = """\nUpload **the notebook**.\n"""\n', 1)
    assert _course(tmp_path, text).hand_in == "Upload **the notebook**."


def test_the_repository_course_toml_loads():
    course = load_course(Path(__file__).parents[1] / "course.toml", environ={})
    assert course.assignment("01_activations").points["sigmoid_forward"] == 1


def test_secret_from_environment_and_hidden_from_repr(tmp_path):
    course = _course(tmp_path, environ={SECRET_ENV: "from-env"})
    assert course.secret == "from-env"
    assert "from-env" not in repr(course)
    no_secret = GOOD.replace('secret = "s"\n', "")
    assert _course(tmp_path, no_secret, environ={SECRET_ENV: "e"}).secret == "e"
    assert _error(tmp_path, no_secret) == f"course.toml: course.secret: missing: set [course] secret, or the " \
                                          f"environment variable {SECRET_ENV}"


@pytest.mark.parametrize("old, new, message", [
    ('title = "T"', 'titel = "T"', "course.toml: course.titel: unknown key (did you mean title?)"),
    ('title = "One"', 'titel = "One"', "course.toml: assignments[0].titel: unknown key (did you mean title?)"),
    ("memory_mb = 1024", "memory = 1024", "course.toml: grading.limits.memory: unknown key (did you mean memory_mb?)"),
    ("call_timeout_seconds = 3", "timeout = 3",
     "course.toml: assignments[0].limits.timeout: unknown key (did you mean call_timeout_seconds?)"),
    ("values = { rtol", "values = { rtl", "course.toml: grading.tolerances.values.rtl: unknown key (did you mean rtol?)"),
    ("[course]", "[courses]", "course.toml: courses: unknown key (did you mean course?)"),
])
def test_unknown_keys(tmp_path, old, new, message):
    assert _error(tmp_path, GOOD.replace(old, new)) == message


@pytest.mark.parametrize("old, new, message", [
    ('title = "T"', "title = 3", "course.toml: course.title: expected a string, got int 3"),
    ("memory_mb = 1024", 'memory_mb = "lots"', "course.toml: grading.limits.memory_mb: expected an integer, got str 'lots'"),
    ("memory_mb = 1024", "memory_mb = 1.5", "course.toml: grading.limits.memory_mb: expected an integer, got float 1.5"),
    ("memory_mb = 1024", "memory_mb = true", "course.toml: grading.limits.memory_mb: expected an integer, got bool True"),
    ("memory_mb = 1024", "memory_mb = 0", "course.toml: grading.limits.memory_mb: must be positive, got 0"),
    ("f_forward = 1", 'f_forward = "1"', "course.toml: assignments[0].points.f_forward: expected a number, got str '1'"),
    ("f_forward = 1", "f_forward = -1", "course.toml: assignments[0].points.f_forward: must be >= 0, got -1.0"),
    ("[grading.limits]", "[grading.limits.x]", "course.toml: grading.limits.x: unknown key (did you mean max_processes?)"),
    ('[assignments.points]\nf_forward = 1\nf_backward = 2.5\n', '[assignments.points]\n',
     "course.toml: assignments[0].points: must list at least one graded function (name = points)"),
    ('[assignments.points]\nf_forward = 1\nf_backward = 2.5\n', '',
     "course.toml: assignments[0].points: missing (expected a table)"),
    ('title = "T"\n', "", "course.toml: course.title: missing (expected a string)"),
    ('title = "T"\n', 'title = "T"\nhand_in = 3\n', "course.toml: course.hand_in: expected a string, got int 3"),
    ('title = "T"\n', 'title = "T"\nhand_in = "  "\n', "course.toml: course.hand_in: must not be empty"),
])
def test_bad_types_and_values(tmp_path, old, new, message):
    assert old in GOOD
    assert _error(tmp_path, GOOD.replace(old, new, 1)) == message


@pytest.mark.parametrize("new, message", [
    ('due = "2026-10-05"', "course.toml: assignments[0].due: expected a TOML datetime such as "
                           "2026-10-05T23:59:00+02:00 (no quotes), got str '2026-10-05'"),
    ("due = 2026-10-05T23:59:00", "course.toml: assignments[0].due: 2026-10-05T23:59:00 has no UTC offset; "
                                  "write e.g. 2026-10-05T23:59:00+02:00 or 2026-10-05T23:59:00Z"),
    ("", "course.toml: assignments[0].due: missing (expected a TOML datetime such as 2026-10-05T23:59:00+02:00)"),
])
def test_due_dates(tmp_path, new, message):
    assert _error(tmp_path, GOOD.replace("due = 2026-10-05T23:59:00+02:00", new)) == message


def test_missing_and_bad_slugs(tmp_path):
    assert _error(tmp_path, GOOD.replace('slug = "01_one"\n', "")) == \
        "course.toml: assignments[0].slug: missing (expected a string)"
    assert _error(tmp_path, GOOD.replace('"01_one"', '"one"')) == (
        "course.toml: assignments[0].slug: 'one' must look like NN_name (two digits, an underscore, lower-case "
        "words joined by _), e.g. 01_activations")
    assert _error(tmp_path, GOOD.replace('"02_two"', '"01_one"')) == \
        "course.toml: assignments[1].slug: '01_one' is already used by assignments[0]"


def test_missing_folder_and_source(tmp_path):
    assert _error(tmp_path, GOOD, slugs=("01_one",)) == \
        "course.toml: assignments[1].slug: no folder assignments/02_two/ next to course.toml"
    _course(tmp_path)
    (tmp_path / "assignments/02_two/02_two.py").unlink()
    with pytest.raises(ConfigError, match=r"^course\.toml: assignments\[1\]\.slug: assignments/02_two/ has no "
                                          r"source 02_two\.py$"):
        load_course(tmp_path / "course.toml", environ={})


def test_unreadable_files(tmp_path):
    assert _error(tmp_path, "[course\n").startswith("course.toml: not valid TOML: ")
    with pytest.raises(ConfigError, match=r"no such file"):
        load_course(tmp_path / "absent.toml")
    assert _error(tmp_path, GOOD.replace("[[assignments]]", "[assignments]", 1).split("[[assignments]]")[0]) \
        .startswith("course.toml: assignments: expected an array of tables")


def test_unknown_assignment_suggests(tmp_path):
    with pytest.raises(ConfigError, match=r"^course\.toml: no assignment '02_tow' \(did you mean 02_two\?\); "
                                          r"known: 01_one, 02_two$"):
        _course(tmp_path).assignment("02_tow")


def test_check_points(tmp_path):
    one = _course(tmp_path).assignments[0]
    check_points(one, solutions=["f_forward", "f_backward"], reference_names=[])
    with pytest.raises(ConfigError, match=r"^course\.toml: assignments\[0\]\.points\.f_forward: no solution cell "
                                          r"and no reference function of that name \(did you mean f_froward\?\)$"):
        check_points(one, solutions=["f_froward", "f_backward"], reference_names=["g"])
    with pytest.raises(ConfigError, match=r"points\.f_forward: the reference has f_forward but 01_one\.py has no "
                                          r"solution cell for it"):
        check_points(one, solutions=["f_backward"], reference_names=["f_forward"])
    with pytest.raises(ConfigError, match=r"^course\.toml: assignments\[0\]\.points: no entry for the solution cell "
                                          r"h of 01_one\.py \(add `h = 1`\)$"):
        check_points(one, solutions=["f_forward", "f_backward", "h"], reference_names=[])
