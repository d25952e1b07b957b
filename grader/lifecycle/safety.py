"""Safety rails: the committed development secret, and outputs written among the sources.

    development_secret(course) -> bool         the secret in use is course.toml's committed one
    DEVELOPMENT_SECRET_WARNING                 what ``course grade`` prints when it is
    refuse_output_inside_sources(out, course)  OutputLocationError for assignments/ or reference/
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from grader.config import SECRET_ENV, ConfigError, CourseConfig

DEVELOPMENT_SECRET_WARNING = (
    f"warning: grading with the development secret committed in course.toml: anyone with the "
    f"repository can compute every student's hidden inputs. Set {SECRET_ENV} in the environment "
    f"to a private value for a real course (records graded like this say so in extra.development_secret).")

PROTECTED_FOLDERS = ("assignments", "reference")
"""Course sources that no ``course`` command writes into: outputs there would be committed,
built into releases or (reference/) imported by the grader."""


class OutputLocationError(ConfigError):
    """An output folder inside the course's sources (one line, exit 2; a ConfigError so that every
    command reports it like a bad course.toml, which is where build_dir may come from)."""


def development_secret(course: CourseConfig) -> bool:
    """True when the secret in use is the one written in course.toml (``NNF_COURSE_SECRET`` unset,
    or set to that same committed value)."""
    try:
        committed = tomllib.loads(course.path.read_text(encoding="utf-8")).get("course", {}).get("secret")
    except (OSError, tomllib.TOMLDecodeError):
        return False  # load_course read it a moment ago; nothing to compare with is no evidence
    return bool(committed) and committed == course.secret


def refuse_output_inside_sources(out: Path, course: CourseConfig, *, option: str = "--out") -> None:
    """Raise ``OutputLocationError`` when ``out`` is (inside) ``assignments/`` or ``reference/``
    of the course, symlinks resolved."""
    target = Path(out).resolve()
    for name in PROTECTED_FOLDERS:
        protected = (course.root / name).resolve()
        if target == protected or protected in target.parents:
            raise OutputLocationError(f"{option} {out}: inside the course's {name}/ folder; outputs go "
                                      f"elsewhere (e.g. {course.root.name}/out/), never among the sources")
