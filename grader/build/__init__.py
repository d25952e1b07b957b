"""``course build``: assignment sources -> nbgrader source, student release, autograder bundle.

    build(*, config="course.toml", assignments=(), out=None) -> list[BuiltAssignment]

The steps, one module each, and their order are listed in ``pipeline.py``; ``nnf_checks.py``
is the helper module released to students as is. This module stays light (the pipeline's
imports load on the first build), so ``course --help`` answers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def build(*, config: str | Path = "course.toml", assignments: Sequence[str] = (),
          out: str | Path | None = None) -> list:
    """Read and validate ``config``, build ``assignments`` (default: all) into ``out`` (default:
    the course's build_dir). Raises ConfigError / BuildError on bad input."""
    from grader.build.pipeline import build_course
    from grader.config import load_course
    from grader.lifecycle.safety import refuse_output_inside_sources

    course = load_course(config)
    refuse_output_inside_sources(Path(out) if out is not None else course.build_dir, course,
                                 option="--out" if out is not None else "[course] build_dir")
    return build_course(course, slugs=tuple(assignments), out=Path(out) if out is not None else None)
