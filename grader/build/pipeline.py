"""The build pipeline, in one place: one assignment source in, its three products out.

    build_assignment(assignment, *, course) -> BuiltAssignment       pure: returns bytes per path
    build_course(course, *, slugs=(), out=None) -> list[BuiltAssignment]   builds and writes

Each step is a function over notebooks that returns a new one. The order is the data flow:
a step needs what an earlier one produced (classified cells, tasks), so it cannot run early.

    read_source -> classify_cells -> inline_setup -> collect_tasks
        source:   inline_solutions -> add_nbgrader_metadata ----\
        release:  stub_solutions -> protect_solutions ---------+-> add_environment_cell
                  -> add_progress_cell -> lock_cells -> add_title -> finalize
        requirements: release_requirements (the release's imports) -> requirements.txt
        checks:   load_check_inputs -> compute_expected -> expected.npz (+ nnf_checks.py)
        grading:  make_manifest + hidden_suite -> with_autograder_zip (Gradescope)

Layout under the build directory (docs/internals.md section 4):

    source/<slug>/<slug>.ipynb, nnf_checks.py, expected.npz   nbgrader source (an nbgrader course dir)
    release/<slug>/<slug>.ipynb, nnf_checks.py, expected.npz  what students get
    release/<slug>/requirements.txt, release/requirements.txt  what they install (one folder, all)
    autograder/<slug>/manifest.json, tests/...                what grading needs
    autograder/<slug>/autograder.zip                           the same, as a Gradescope autograder
    nbgrader_config.py                                         points nbgrader's own release elsewhere
    .nnf-course                                                where course.toml is (config_discovery.py)
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.build.autograder_zip import with_autograder_zip
from grader.build.classify import classify_cells
from grader.build.environment_cell import add_environment_cell
from grader.build.expected import compute_expected, load_check_inputs
from grader.build.files import json_bytes, notebook_bytes, npz_bytes
from grader.build.finalize import finalize_notebook
from grader.build.inline_setup import inline_setup
from grader.build.inline_solutions import inline_solutions
from grader.build.lock_cells import lock_cells
from grader.build.manifest import hidden_suite, make_manifest
from grader.build.nbgrader_metadata import add_nbgrader_metadata
from grader.build.progress_cell import add_progress_cell
from grader.build.protect_solutions import protect_solutions
from grader.build.requirements import release_requirements, requirements_bytes
from grader.build.source import read_source
from grader.build.stub_solutions import stub_solutions
from grader.build.tasks import collect_tasks
from grader.build.title import add_title
from grader.config import AssignmentConfig, CourseConfig
from grader.config_discovery import COURSE_LINK, course_link_text

CHECKS_MODULE = Path(__file__).with_name("nnf_checks.py")
PRODUCTS = ("source", "release", "autograder")
NBGRADER_CONFIG = b'''\
# Written by `course build`: this folder is an nbgrader course directory (source/<slug>/).
# nbgrader's own release goes to nbgrader_release/, so it never overwrites the build's release/.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = "nn-foundations"
c.CourseDirectory.release_directory = "nbgrader_release"
'''


@dataclass(frozen=True)
class BuiltAssignment:
    """Everything built for one assignment, before it is written."""

    slug: str
    """The assignment."""
    files: Mapping[str, bytes]
    """Path relative to the build directory (``release/<slug>/<slug>.ipynb``) -> content."""


def build_assignment(assignment: AssignmentConfig, *, course: CourseConfig) -> BuiltAssignment:
    """Run every step for one assignment; nothing is written."""
    slug = assignment.slug
    label = f"assignments/{slug}"
    cells = inline_setup(classify_cells(read_source(assignment.source, label=f"{label}/{slug}.py")))
    tasks = collect_tasks(cells, assignment)

    stubbed = protect_solutions(stub_solutions(cells, tasks))
    requirements = release_requirements(stubbed, helper=CHECKS_MODULE.read_text(encoding="utf-8"),
                                        label="grader/build/nnf_checks.py")

    def finish(nb):
        framed = add_progress_cell(add_environment_cell(nb, requirements=requirements), tasks)
        titled = add_title(lock_cells(framed), course_title=course.title, assignment=assignment, tasks=tasks,
                           hand_in=course.hand_in)
        return notebook_bytes(finalize_notebook(titled, slug=slug))

    source = finish(add_nbgrader_metadata(inline_solutions(cells, tasks), tasks))
    release = finish(stubbed)
    checks = load_check_inputs(assignment.checks, label=f"{label}/checks.py")
    expected = npz_bytes(compute_expected(cells, tasks, checks, tolerances=course.grading.tolerances,
                                          label=f"{label}/checks.py"))
    helper = CHECKS_MODULE.read_bytes()
    hidden = hidden_suite(assignment.hidden_tests)
    manifest = make_manifest(assignment, tasks, tolerances=course.grading.tolerances, hidden=list(hidden))

    files = {}
    for product, notebook in (("source", source), ("release", release)):
        files[f"{product}/{slug}/{slug}.ipynb"] = notebook
        files[f"{product}/{slug}/nnf_checks.py"] = helper
        files[f"{product}/{slug}/expected.npz"] = expected
    files[f"release/{slug}/requirements.txt"] = requirements_bytes(requirements, title=f"{slug} ({assignment.title})")
    files[f"autograder/{slug}/manifest.json"] = json_bytes(manifest)
    files.update({f"autograder/{slug}/{path}": content for path, content in hidden.items()})
    return BuiltAssignment(slug=slug, files=files)


def write_built(built: Sequence[BuiltAssignment], out: Path) -> None:
    """Replace each built assignment's folders under ``out`` (stale files go) and write them."""
    out.mkdir(parents=True, exist_ok=True)
    for assignment in built:
        for product in PRODUCTS:
            shutil.rmtree(out / product / assignment.slug, ignore_errors=True)
        for relative, content in sorted(assignment.files.items()):
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    (out / "nbgrader_config.py").write_bytes(NBGRADER_CONFIG)
    write_course_requirements(out / "release")


def write_course_requirements(release: Path) -> None:
    """``release/requirements.txt``: every line of every release folder's requirements.txt, so one
    install serves the whole course (folders built earlier count too)."""
    lines = {line for path in release.glob("*/requirements.txt")
             for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    header = ("# Every assignment of the course: install with  python -m pip install -r requirements.txt\n"
              "# (JupyterLab or Jupyter Notebook to open the notebooks)\n")
    (release / "requirements.txt").write_text(header + "".join(f"{line}\n" for line in sorted(lines)),
                                              encoding="utf-8")


def build_course(course: CourseConfig, *, slugs: Sequence[str] = (), out: Path | None = None) -> list[BuiltAssignment]:
    """Build the named assignments (default: all) into ``out`` (default: course.build_dir).
    Everything is built before anything is written, so an error leaves the old build intact."""
    chosen = [course.assignment(slug) for slug in slugs] if slugs else list(course.assignments)
    built = [with_autograder_zip(build_assignment(assignment, course=course), course=course) for assignment in chosen]
    out = Path(out) if out is not None else course.build_dir
    write_built(built, out)
    (out / COURSE_LINK).write_text(course_link_text(build_dir=out, course_toml=course.path))
    return built

