"""``course release SLUG``: the students' hand-out, one deterministic zip per assignment.

    release_zip(course, slug, release_dir) -> bytes
    release(slug=, config=, out=) -> Path          builds afresh, writes out/<slug>.zip

The zip holds a folder ``<slug>/`` with everything the build put in ``release/<slug>/`` (the
notebook, ``nnf_checks.py``, ``expected.npz`` and, when the build writes one, ``requirements.txt``)
and a short README for students. Same sources, same bytes: members sorted, a fixed date and
mode, stored uncompressed (no zlib version shows), so a re-release that changes nothing does not
look like a new hand-out on the LMS.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from grader.build.files import ZIP_DATE
from grader.config import CourseConfig, load_course
from grader.lifecycle.late import format_time, late_policy
from grader.lifecycle.safety import refuse_output_inside_sources

README = "README.md"


def student_readme(course: CourseConfig, slug: str, files: list[str]) -> str:
    assignment = course.assignment(slug)
    policy = late_policy(course)
    requirements = "requirements.txt" in files
    lines = [f"# {assignment.title}", "", f"{course.title}, assignment {assignment.number}.", "",
             f"**Due:** {assignment.due.isoformat(' ', 'minutes')} ({format_time(assignment.due)}).  ",
             f"**Late work:** {policy.describe()}.", "", "## What is in this folder", ""]
    described = {f"{slug}.ipynb": "the notebook you complete and hand in",
                 "nnf_checks.py": "the checks the notebook runs after each function (keep it next to the notebook)",
                 "expected.npz": "the checks' fixed inputs and expected outputs (keep it next to the notebook)",
                 "requirements.txt": "the Python packages the notebook needs"}
    lines += [f"- `{name}`: {described.get(name, 'needed by the notebook')}" for name in files]
    lines += ["", "## How to work", ""]
    if requirements:
        lines += ["1. Install the packages: `python -m pip install -r requirements.txt`."]
    else:
        lines += ["1. You need Python 3 with NumPy and Jupyter (`python -m pip install numpy jupyterlab`)."]
    lines += [f"2. Open `{slug}.ipynb` in Jupyter and implement each function where it says "
              "`raise NotImplementedError`.",
              "3. Run the check cell after each function: it prints `PASS`, `FAIL` with the reason, or "
              "`NOT IMPLEMENTED YET`. Passing the checks is a good sign, not your grade: the grader uses "
              "other inputs.",
              "4. Do not edit or delete the locked cells (setup and checks): the notebook needs them as they are.", "",
              "## How to hand in", "",
              f"Upload `{slug}.ipynb` (only the notebook) before the deadline, as your instructor asked "
              "(LMS or nbgrader). The upload time counts as your submission time.", ""]
    return "\n".join(lines)


def release_zip(course: CourseConfig, slug: str, release_dir: Path) -> bytes:
    """The zip of ``release_dir`` (the build's ``release/<slug>/``) with the students' README."""
    files = sorted(p.name for p in release_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if f"{slug}.ipynb" not in files:
        raise FileNotFoundError(f"{release_dir}: no {slug}.ipynb (the build did not write a release)")
    members = {name: (release_dir / name).read_bytes() for name in files}
    members[README] = student_readme(course, slug, files).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{slug}/{name}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix: the same bytes whoever builds it
            archive.writestr(info, members[name])
    return buffer.getvalue()


def release(*, slug: str, config: str | Path = "course.toml", out: Path = Path("releases")) -> Path:
    """Build ``slug`` afresh (from the current reference) and write ``out/<slug>.zip``."""
    from grader.build import build

    course = load_course(config)
    course.assignment(slug)
    refuse_output_inside_sources(Path(out), course)
    with tempfile.TemporaryDirectory(prefix="nnf-release-") as tmp:
        build(config=config, assignments=[slug], out=Path(tmp))
        data = release_zip(course, slug, Path(tmp) / "release" / slug)
    Path(out).mkdir(parents=True, exist_ok=True)
    target = Path(out) / f"{slug}.zip"
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
    return target
