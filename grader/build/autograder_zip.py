"""Build step, Gradescope: ``autograder/<slug>/autograder.zip``, what Gradescope's "Configure
Autograder" page takes (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

    with_autograder_zip(built, *, course) -> BuiltAssignment     the pipeline's step
    autograder_zip(bundle_files, *, course) -> bytes

    setup.sh                 installs uv, Python, the pinned dependencies and the framework
    run_autograder           grades /autograder/submission/, writes /autograder/results/results.json
    requirements.txt         every distribution grading imports, pinned to the versions of this build
    framework/               pyproject.toml + the grader package and the reference code (sources only)
    bundle/                  manifest.json and the hidden suite, as in build/autograder/<slug>/
    secret                   the course secret (seeds each student's hidden inputs)

Deterministic like the rest of the build: the same sources, secret and environment give the
same bytes. The zip holds the secret, the reference and the hidden tests: keep it as private as
the hidden suite (Gradescope never shows it to students).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

from grader.build.files import zip_bytes
from grader.config import CourseConfig

GRADING_DISTRIBUTIONS = ("numpy", "scipy", "nbformat", "jupytext", "pytest")
"""What grading a submission imports (the trusted process and the worker); with their own
requirements, everything ``requirements.txt`` pins."""
EXECUTABLE = ("setup.sh", "run_autograder")
UV_FALLBACK_VERSION = "0.9.5"
"""The uv that setup.sh fetches on an image without one, when this environment has no uv
distribution to pin it to."""

SETUP_SH = r'''#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (its Ubuntu base
# image). NNF_AUTOGRADER_ROOT (default /autograder) moves everything, to try the autograder
# anywhere else. Written by `course build`; edit the framework, not this copy.
set -euo pipefail
ROOT="${NNF_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"

# 1. uv installs Python and the packages; fetched only when the image has none.
if ! command -v uv >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends curl ca-certificates
    curl -LsSf https://astral.sh/uv/@UV_VERSION@/install.sh | env UV_INSTALL_DIR=/usr/local/bin UV_NO_MODIFY_PATH=1 sh
fi

# 2. Python @PYTHON@ (uv downloads one when the image has none) in an environment of its own.
uv venv --python @PYTHON@ "$ROOT/venv"

# 3. The grading dependencies, pinned to the versions `course build` ran with, then the
#    framework itself (grader and the reference code; nothing else).
uv pip install --python "$ROOT/venv/bin/python" --compile-bytecode -r "$SOURCE/requirements.txt"
uv pip install --python "$ROOT/venv/bin/python" --no-deps "$SOURCE/framework"
'''

RUN_AUTOGRADER = r'''#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades the notebook or .py file in
# $ROOT/submission with the hidden suite and writes $ROOT/results/results.json.
# NNF_AUTOGRADER_ROOT (default /autograder) moves everything, to try the autograder elsewhere.
set -euo pipefail
ROOT="${NNF_AUTOGRADER_ROOT:-/autograder}"
exec "$ROOT/venv/bin/python" -m grader.grading.gradescope_run --root "$ROOT"
'''

FRAMEWORK_PYPROJECT = '''\
# Written by `course build`: the grading framework and the course's reference code alone;
# setup.sh installs their pinned dependencies from requirements.txt first.
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "nn-foundations-autograder"
version = "0.1.0"
requires-python = ">=3.11"

[tool.setuptools]
py-modules = @MODULES@

[tool.setuptools.packages.find]
include = @PACKAGES@
'''


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(roots=GRADING_DISTRIBUTIONS) -> str:
    """``name==version`` for ``roots`` and everything they require here (markers evaluated for
    this interpreter, extras not followed), sorted: requirements.txt."""
    environment = default_environment()
    pins: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = _canonical(todo.pop())
        if name in pins:
            continue
        dist = metadata.distribution(name)
        pins[name] = dist.version
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
                todo.append(requirement.name)
    return "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def framework_files(reference_roots: Sequence[str]) -> dict[str, bytes]:
    """``framework/...``: the grader package and the top-level packages or modules the tasks'
    reference functions live in (sources only), with a pyproject that installs just them."""
    files, packages, modules = {}, [], []
    for name in dict.fromkeys(["grader", *reference_roots]):
        path = Path(importlib.import_module(name).__file__)
        if path.name != "__init__.py":
            modules.append(name)
            files[f"framework/{path.name}"] = path.read_bytes()
            continue
        packages.append(name)
        for source in sorted(path.parent.rglob("*.py")):
            if "__pycache__" not in source.parts:
                files[f"framework/{name}/{source.relative_to(path.parent).as_posix()}"] = source.read_bytes()
    pyproject = (FRAMEWORK_PYPROJECT.replace("@MODULES@", json.dumps(modules))
                 .replace("@PACKAGES@", json.dumps([f"{p}*" for p in packages])))
    files["framework/pyproject.toml"] = pyproject.encode()
    return files


def _scripts() -> dict[str, bytes]:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    try:
        uv = metadata.version("uv")
    except metadata.PackageNotFoundError:
        uv = UV_FALLBACK_VERSION
    setup = SETUP_SH.replace("@UV_VERSION@", uv).replace("@PYTHON@", python)
    return {"setup.sh": setup.encode(), "run_autograder": RUN_AUTOGRADER.encode()}


def autograder_zip(bundle_files: Mapping[str, bytes], *, course: CourseConfig) -> bytes:
    """The zip for one assignment; ``bundle_files`` maps ``manifest.json`` and ``tests/...``
    (paths relative to build/autograder/<slug>/) to their content."""
    manifest = json.loads(bundle_files["manifest.json"])
    roots = sorted({task["reference"].partition(":")[0].split(".")[0] for task in manifest["tasks"]})
    members = {**_scripts(), "requirements.txt": pinned_requirements().encode(), **framework_files(roots),
               "secret": course.secret.encode()}
    members.update({f"bundle/{path}": content for path, content in bundle_files.items()})
    return zip_bytes(members, executable=EXECUTABLE)


def with_autograder_zip(built, *, course: CourseConfig):
    """``built`` (a pipeline ``BuiltAssignment``) plus ``autograder/<slug>/autograder.zip``,
    made from its autograder bundle."""
    prefix = f"autograder/{built.slug}/"
    bundle = {path[len(prefix):]: content for path, content in built.files.items() if path.startswith(prefix)}
    return dataclasses.replace(built, files={**built.files, f"{prefix}autograder.zip":
                                             autograder_zip(bundle, course=course)})
