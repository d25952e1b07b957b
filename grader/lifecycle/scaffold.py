"""``course new SLUG``: a new assignment that builds and passes its self-test at once.

    new_assignment(slug, *, config="course.toml", title=None, due=None) -> Scaffold

Writes ``assignments/NN_slug/`` (notebook source with one example task wired to a reference
function, ``checks.py``, a hidden suite with one test, one self-test mutant and one
alternative) and appends the ``[[assignments]]`` entry to course.toml as text (its comments and
layout stay as they are); the repository's tests/selftest/ runs the self-test of every
assignment in course.toml, the new one included. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from grader.config import SLUG_PATTERN, ConfigError, load_course

EXAMPLE_REFERENCE = "reference.activations:relu_forward"
"""The example task: small, with a kink, and a reference function every course has."""
EXAMPLE_FUNCTION = EXAMPLE_REFERENCE.split(":")[1]
_WORD = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Scaffold:
    """What ``course new`` wrote."""

    slug: str
    """The new assignment's slug, ``NN_name``."""
    files: tuple[Path, ...]
    """Every file created (absolute)."""
    config: Path
    """The course.toml the entry was appended to."""


def _source(title: str) -> str:
    return f'''# %% [markdown]
# {title}: replace this introduction with what the assignment is about and its rules of the
# house (shapes, no loops over entries, never change an input in place).
#
# **Checks.** After each function, a locked cell checks it on fixed inputs and prints one line:
# `PASS`, `FAIL` with the reason, or `NOT IMPLEMENTED YET`. Passing them is a good sign, not
# your grade: the grader uses other inputs.

# %% setup=true
import numpy as np

# %% check=true
from nnf_checks import check_outputs

# %% [markdown]
# ## 1. An example task: ReLU
#
# $$\\mathrm{{relu}}(x) = \\max(x, 0).$$
#
# (The example task of `course new`: replace it with the assignment's own. Each task is a
# markdown cell, the empty `solution=` cell naming its reference function, and a check cell.)
#
# **Pitfall.** `x[x < 0] = 0` changes the caller's array: build a new one (`np.maximum`).

# %% solution="{EXAMPLE_REFERENCE}"

# %% check="{EXAMPLE_FUNCTION}"
check_outputs("{EXAMPLE_FUNCTION}", {EXAMPLE_FUNCTION})
'''


def _checks(slug: str) -> str:
    return f'''"""Visible-check inputs of {slug} (instructor only: never released).

The build runs the reference on these inputs and stores inputs and outputs in the release's
expected.npz. X has an exact 0 (the kink) and a large entry.
"""

import numpy as np

X = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 1000.0]])

CHECKS = {{
    "{EXAMPLE_FUNCTION}": {{"args": [X]}},
}}
'''


def _hidden_test(slug: str) -> str:
    marker = f"task{slug[:2]}_{EXAMPLE_FUNCTION}"
    return f'''"""Hidden tests of {slug}'s example task, {EXAMPLE_FUNCTION} (see docs/internals.md, section 5)."""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite.returns import returned

SHAPES = [(7,), (3, 5), (1, 3, 4, 5)]


@pytest.mark.{marker}
@pytest.mark.parametrize("shape", SHAPES, ids=["x".join(map(str, s)) for s in SHAPES])
def test_{EXAMPLE_FUNCTION}(student, ref, rng, expect, shape):
    x = rng.standard_normal(shape)
    x.flat[0] = 0.0  # the kink
    out, _ = returned(student.{EXAMPLE_FUNCTION}(x), "{EXAMPLE_FUNCTION}", "out, cache")
    expected, _ = ref.{EXAMPLE_FUNCTION}(x)
    expect(out, expected, name="out")


@pytest.mark.{marker}
@pytest.mark.contract("domain_edge")  # the contract-coverage rule: docs/internals.md
def test_{EXAMPLE_FUNCTION}_at_the_edges(student, ref, expect):
    """A single element at the kink, values far out on both sides, and all negative."""
    for x in (np.zeros(1), np.array([-1e300, 1e300]), -np.ones((2, 3))):
        out, _ = returned(student.{EXAMPLE_FUNCTION}(x), "{EXAMPLE_FUNCTION}", "out, cache")
        expect(out, ref.{EXAMPLE_FUNCTION}(x)[0], name="out")
'''


_MUTANT = f'''# selftest: mutant
# description: absolute value instead of max(x, 0)
# expect-lose: {EXAMPLE_FUNCTION}
import numpy as np


def {EXAMPLE_FUNCTION}(x):
    return np.abs(x), x
'''

_ALTERNATIVE = f'''# selftest: alternative
# description: a mask product instead of np.maximum
import numpy as np


def {EXAMPLE_FUNCTION}(x):
    return x * (x > 0), x
'''


def _entry(slug: str, title: str, due: datetime) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return (f'\n[[assignments]]\nslug = "{slug}"\ntitle = {json.dumps(title, ensure_ascii=False)}\ndue = {due.isoformat()}\n'
            f"[assignments.points]\n{EXAMPLE_FUNCTION} = 1\n")


def full_slug(name: str, taken: list[str]) -> str:
    """``attention`` -> ``09_attention`` after the course's highest number; ``09_attention`` as is."""
    if SLUG_PATTERN.match(name):
        return name
    if not _WORD.match(name):
        raise ConfigError(f"{name!r} is not a valid assignment name: use lower-case words joined by _ "
                          "(e.g. attention), optionally after a two-digit number (09_attention)")
    number = max((int(s[:2]) for s in taken), default=0) + 1
    if number > 99:
        raise ConfigError("the course already has assignment 99: give the number yourself (NN_name)")
    return f"{number:02d}_{name}"


def new_assignment(slug: str, *, config: str | Path = "course.toml", title: str | None = None,
                   due: datetime | None = None) -> Scaffold:
    """Create the assignment ``slug`` (``name`` or ``NN_name``) in the course of ``config``."""
    course = load_course(config)
    taken = [a.slug for a in course.assignments]
    slug = full_slug(slug, taken)
    if slug in taken or any(s[:2] == slug[:2] for s in taken):
        clash = next(s for s in taken if s == slug or s[:2] == slug[:2])
        raise ConfigError(f"{course.path.name}: the number {slug[:2]} is already used by {clash}: "
                          "choose another slug")
    folder = course.root / "assignments" / slug
    if folder.exists():
        raise ConfigError(f"assignments/{slug}/ exists already: remove it or choose another slug")
    if due is None:
        last = max((a.due for a in course.assignments), default=None)
        due = (last + timedelta(days=7)) if last else datetime.now().astimezone().replace(
            hour=23, minute=59, second=0, microsecond=0) + timedelta(days=7)
    if due.tzinfo is None:
        raise ConfigError(f"--due {due.isoformat()}: give a UTC offset, e.g. {due.isoformat()}+01:00")
    title = title or slug[3:].replace("_", " ").capitalize()
    files = {
        folder / f"{slug}.py": _source(title),
        folder / "checks.py": _checks(slug),
        folder / "tests" / f"test_{EXAMPLE_FUNCTION}.py": _hidden_test(slug),
        folder / "selftest" / "mutants" / "abs_instead_of_max.py": _MUTANT,
        folder / "selftest" / "alternatives" / "mask_product.py": _ALTERNATIVE,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with course.path.open("a", encoding="utf-8") as toml:
        toml.write(_entry(slug, title, due))
    load_course(course.path)  # what was appended must read back (a bug here is ours: say so loudly)
    return Scaffold(slug=slug, files=tuple(files), config=course.path)
