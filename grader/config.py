"""The course configuration: ``course.toml`` read into frozen dataclasses and validated.

    load_course(path, *, environ=None) -> CourseConfig
    check_points(assignment, *, solutions, reference_names) -> None

Every problem is a ``ConfigError`` whose one-line message names the file and the key, e.g.
``course.toml: assignments[2].points.sigmoid_foward: no solution cell and no reference function
of that name (did you mean sigmoid_forward?)``. The schema, key by key, is the dataclasses
below; ``course.toml`` at the repository root is the worked example.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from grader.errors import UserError
from grader.limits import Limits
from grader.suggest import did_you_mean
from grader.tolerance import Tolerance

SECRET_ENV = "NNF_COURSE_SECRET"
"""Environment variable that, when set and non-empty, replaces ``[course] secret``."""

SLUG_PATTERN = re.compile(r"^(\d{2})_[a-z0-9]+(_[a-z0-9]+)*$")


class ConfigError(UserError):
    """A problem in course.toml; ``str(error)`` is one line naming the file and the key."""


@dataclass(frozen=True)
class GradingConfig:
    """``[grading]``: defaults for every assignment."""

    limits: Limits = Limits()
    """``[grading.limits]``: the worker's limits unless an assignment overrides them."""
    tolerances: Mapping[str, Tolerance] = field(default_factory=lambda: {"values": Tolerance()})
    """``[grading.tolerances]``: kind of quantity (``values``, ``gradients``, ...) -> closeness;
    ``values`` is always present and is the default for kinds not listed."""


@dataclass(frozen=True)
class AssignmentConfig:
    """One ``[[assignments]]`` entry."""

    slug: str
    """``NN_name``: the folder ``assignments/NN_name/`` and its source ``NN_name.py``."""
    title: str
    """Shown to students (notebook title, feedback, gradebook)."""
    due: datetime
    """Deadline, a TOML datetime with a UTC offset (timezone-aware)."""
    points: Mapping[str, float]
    """``[assignments.points]``: graded function name -> points, in course.toml order. Every
    solution cell needs an entry and every entry a solution cell (``check_points``)."""
    limits: Limits
    """``[grading.limits]`` with this assignment's ``[assignments.limits]`` applied on top."""
    folder: Path
    """Absolute path of ``assignments/<slug>/``."""
    key: str
    """Where it sits in course.toml, ``assignments[<index>]``: the prefix of error messages."""

    @property
    def number(self) -> str:
        """The two-digit prefix of the slug: ``01`` for ``01_activations``."""
        return self.slug[:2]

    @property
    def source(self) -> Path:
        """The Jupytext percent source ``assignments/<slug>/<slug>.py``."""
        return self.folder / f"{self.slug}.py"

    @property
    def checks(self) -> Path:
        """The instructor's visible-check inputs ``assignments/<slug>/checks.py`` (never released)."""
        return self.folder / "checks.py"

    @property
    def hidden_tests(self) -> Path:
        """The hidden pytest suite ``assignments/<slug>/tests/`` (may not exist yet)."""
        return self.folder / "tests"


@dataclass(frozen=True)
class CourseConfig:
    """The whole of course.toml."""

    title: str
    """``[course] title``."""
    secret: str = field(repr=False)
    """``[course] secret``, or the environment variable ``NNF_COURSE_SECRET`` when set. Seeds
    each student's hidden test inputs: a real course must set its own and keep it private."""
    build_dir: Path
    """``[course] build_dir`` (default ``build``), absolute, relative to course.toml's folder."""
    grading: GradingConfig
    """``[grading]``."""
    assignments: tuple[AssignmentConfig, ...]
    """``[[assignments]]`` in file order."""
    path: Path
    """The course.toml this was read from (absolute)."""
    hand_in: str = ""
    """``[course] hand_in``: how students hand in, Markdown, shown in every notebook's header
    (optional; when absent the header says to ask the instructor)."""

    @property
    def root(self) -> Path:
        """The folder holding course.toml and ``assignments/``."""
        return self.path.parent

    def assignment(self, slug: str) -> AssignmentConfig:
        """The assignment called ``slug``; ConfigError (with a suggestion) if there is none."""
        slugs = [a.slug for a in self.assignments]
        if slug not in slugs:
            raise ConfigError(f"{self.path.name}: no assignment {slug!r}{did_you_mean(slug, slugs)}; "
                              f"known: {', '.join(slugs) or 'none'}")
        return self.assignments[slugs.index(slug)]


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number"}


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} {value!r}"


class _Reader:
    """Typed access to one TOML table, with error messages naming ``file: key``."""

    def __init__(self, file: str, key: str, table, allowed: Sequence[str] | None):
        """allowed: the keys the table may have; None when any key is allowed."""
        self.file, self.key = file, key
        if not isinstance(table, dict):
            raise self.error(f"expected a table, got {_describe(table)}")
        self.table = table
        for name in table:
            if allowed is not None and name not in allowed:
                raise ConfigError(f"{file}: {self.path(name)}: unknown key{did_you_mean(name, allowed)}")

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def error(self, message: str, name: str | None = None) -> ConfigError:
        where = self.path(name) if name is not None else self.key
        return ConfigError(f"{self.file}: {where}: {message}")

    def get(self, name: str, kind: type, default=None, *, required: bool = False):
        if name not in self.table:
            if required:
                raise self.error(f"missing (expected {_TYPE_NAMES[kind]})", name)
            return default
        value = self.table[name]
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise self.error(f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}", name)
        return value

    def positive(self, name: str, kind: type, default):
        value = self.get(name, kind, default)
        if value <= 0:
            raise self.error(f"must be positive, got {value!r}", name)
        return value

    def nonempty(self, name: str) -> str:
        value = self.get(name, str, required=True)
        if not value.strip():
            raise self.error("must not be empty", name)
        return value

    def sub(self, name: str, allowed: Sequence[str] | None, *, required: bool = False) -> _Reader:
        if name not in self.table and not required:
            return _Reader(self.file, self.path(name), {}, allowed)
        if name not in self.table:
            raise self.error("missing (expected a table)", name)
        return _Reader(self.file, self.path(name), self.table[name], allowed)


_LIMIT_KEYS = tuple(f.name for f in fields(Limits))


def _limits(reader: _Reader, base: Limits) -> Limits:
    values = {f.name: reader.positive(f.name, float if f.type == "float" else int, getattr(base, f.name))
              for f in fields(Limits)}
    return Limits(**values)


def _tolerances(reader: _Reader) -> dict[str, Tolerance]:
    tolerances = {"values": Tolerance()}
    for kind in reader.table:
        entry = _Reader(reader.file, reader.path(kind), reader.table[kind], ("rtol", "atol"))
        default = tolerances.get(kind, Tolerance())
        tolerances[kind] = Tolerance(rtol=entry.positive("rtol", float, default.rtol),
                                     atol=entry.positive("atol", float, default.atol))
    return dict(sorted(tolerances.items()))


def _due(reader: _Reader) -> datetime:
    value = reader.table.get("due")
    if value is None:
        raise reader.error("missing (expected a TOML datetime such as 2026-10-05T23:59:00+02:00)", "due")
    if not isinstance(value, datetime):
        raise reader.error(f"expected a TOML datetime such as 2026-10-05T23:59:00+02:00 (no quotes), "
                           f"got {_describe(value)}", "due")
    if value.tzinfo is None:
        raise reader.error(f"{value.isoformat()} has no UTC offset; write e.g. "
                           f"{value.isoformat()}+02:00 or {value.isoformat()}Z", "due")
    return value


def _points(reader: _Reader) -> dict[str, float]:
    if not reader.table:
        raise reader.error("must list at least one graded function (name = points)")
    points = {}
    for name in reader.table:
        value = reader.get(name, float)
        if value < 0:
            raise reader.error(f"must be >= 0, got {value!r}", name)
        points[name] = value
    return points


def _assignment(file: str, index: int, table, root: Path, grading: GradingConfig) -> AssignmentConfig:
    key = f"assignments[{index}]"
    reader = _Reader(file, key, table, ("slug", "title", "due", "limits", "points"))
    slug = reader.nonempty("slug")
    if not SLUG_PATTERN.match(slug):
        raise reader.error(f"{slug!r} must look like NN_name (two digits, an underscore, lower-case "
                           f"words joined by _), e.g. 01_activations", "slug")
    title = reader.nonempty("title")
    due = _due(reader)
    limits = _limits(reader.sub("limits", _LIMIT_KEYS), grading.limits)
    points = _points(reader.sub("points", None, required=True))
    folder = root / "assignments" / slug
    if not folder.is_dir():
        raise reader.error(f"no folder assignments/{slug}/ next to {file}", "slug")
    if not (folder / f"{slug}.py").is_file():
        raise reader.error(f"assignments/{slug}/ has no source {slug}.py", "slug")
    return AssignmentConfig(slug=slug, title=title, due=due, points=points, limits=limits,
                            folder=folder, key=key)


def load_course(path: str | Path = "course.toml", *, environ: Mapping[str, str] | None = None) -> CourseConfig:
    """Read and validate course.toml; ``environ`` (default ``os.environ``) may supply the secret."""
    path = Path(path).resolve()
    file = path.name
    environ = os.environ if environ is None else environ
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (run from the course folder or pass --config)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None

    top = _Reader(file, "", data, ("course", "grading", "assignments"))
    course = top.sub("course", ("title", "secret", "build_dir", "hand_in"), required=True)
    title = course.nonempty("title")
    hand_in = course.nonempty("hand_in") if "hand_in" in course.table else ""
    secret = environ.get(SECRET_ENV) or course.get("secret", str, "")
    if not secret.strip():
        raise course.error(f"missing: set [course] secret, or the environment variable {SECRET_ENV}", "secret")
    build_dir = path.parent / course.get("build_dir", str, "build")

    # [grading.late] is read by grader.lifecycle.late (late_policy).
    grading_reader = top.sub("grading", ("limits", "tolerances", "late"))
    grading = GradingConfig(limits=_limits(grading_reader.sub("limits", _LIMIT_KEYS), Limits()),
                            tolerances=_tolerances(grading_reader.sub("tolerances", None)))
    if "late" in grading_reader.table:  # checked here so that every command reports a bad policy
        from grader.lifecycle.late import parse_late_policy  # (imports this module: not at the top)

        parse_late_policy(grading_reader.table["late"], file=file)

    entries = data.get("assignments", [])
    if not isinstance(entries, list):
        raise top.error(f"expected an array of tables ([[assignments]]), got {_describe(entries)}", "assignments")
    assignments = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        assignment = _assignment(file, index, entry, path.parent, grading)
        if assignment.slug in seen:
            raise ConfigError(f"{file}: assignments[{index}].slug: {assignment.slug!r} is already used "
                              f"by assignments[{seen[assignment.slug]}]")
        seen[assignment.slug] = index
        assignments.append(assignment)
    return CourseConfig(title=title, secret=secret, build_dir=build_dir, grading=grading,
                        assignments=tuple(assignments), path=path, hand_in=hand_in.strip())


def check_points(assignment: AssignmentConfig, *, solutions: Sequence[str], reference_names: Iterable[str],
                 file: str = "course.toml") -> None:
    """Every points entry names a solution cell of the assignment and every solution cell has one.

    solutions: the graded function names of the source's solution cells, in notebook order;
    reference_names: the public functions of the reference modules those cells use (for hints).
    """
    reference_names = set(reference_names)
    for name in assignment.points:
        if name in solutions:
            continue
        where = f"{file}: {assignment.key}.points.{name}"
        if name in reference_names:
            raise ConfigError(f"{where}: the reference has {name} but {assignment.slug}.py has no solution "
                              f"cell for it (add `# %% solution=\"<module>:{name}\"`)")
        raise ConfigError(f"{where}: no solution cell and no reference function of that name"
                          f"{did_you_mean(name, [*solutions, *reference_names])}")
    for name in solutions:
        if name not in assignment.points:
            raise ConfigError(f"{file}: {assignment.key}.points: no entry for the solution cell {name} "
                              f"of {assignment.slug}.py (add `{name} = 1`)")
