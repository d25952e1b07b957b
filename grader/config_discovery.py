"""Which course.toml a ``course`` command means when ``--config`` is not given: the first one
found walking up from the current folder, as git finds ``.git``.

    find_course_toml(start=None) -> Path

A folder built by ``course build`` (also an nbgrader course folder) holds ``COURSE_LINK``, the
path of its course.toml relative to itself, so the commands work from inside a build folder
that lives outside the course repository too (``course build --out /srv/nbgrader/course``).
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.config import ConfigError

COURSE_FILE = "course.toml"
COURSE_LINK = ".nnf-course"
"""File in a build folder: one line, the path of the course.toml it was built from, relative
to the build folder."""


def course_link_text(*, build_dir: Path, course_toml: Path) -> str:
    """What ``course build`` writes to ``build_dir / COURSE_LINK``."""
    return os.path.relpath(Path(course_toml).resolve(), Path(build_dir).resolve()) + "\n"


def find_course_toml(start: Path | None = None) -> Path:
    """The course.toml for ``start`` (default: the current folder): ``start`` or the nearest
    folder above it holding either course.toml or a build folder's link to one."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder / COURSE_FILE
        link = folder / COURSE_LINK
        if link.is_file():
            target = (folder / link.read_text(encoding="utf-8").strip()).resolve()
            if not target.is_file():
                raise ConfigError(f"{link}: points to {target}, which does not exist "
                                  f"(pass --config path/to/course.toml)")
            return target
    raise ConfigError(f"no {COURSE_FILE} in {here} or any folder above it "
                      f"(run inside the course folder or pass --config path/to/course.toml)")
