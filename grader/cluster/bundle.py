"""The autograder bundle on Dask workers: packed once by the grader, installed once per worker,
checked by hash before every submission graded there.

A ``BundlePlugin`` is a Dask worker plugin: the scheduler keeps it and runs its ``setup`` on
every worker, the running ones at once and any that joins later (a restarted worker too), so
each worker receives the bundle once, however many submissions it grades. It carries

- the bundle's files (``manifest.json`` and the hidden suite under ``tests/``), unpacked into a
  private folder on the worker;
- the grading settings the grader holds (``AssignmentBundle`` fields: points, references,
  limits, tolerances), which a record depends on and which a caller may have changed after
  loading the manifest;
- the course secret, which seeds every test's inputs and is redacted from feedback;
- the grading environment it was packed in: a digest of the grader's and the reference's
  source, and the Python, NumPy and SciPy versions. A record depends on each of them.

Its digest (SHA-256 of all four) names the installation. Each submission's task carries the
digest and the grader's environment; the worker refuses one whose bundle it does not hold,
whose files on disk no longer hash to it, or whose environment differs from its own
(``ClusterMismatch``), rather than grade it differently from the local pool.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from grader.bundle import AssignmentBundle

SUITE_FOLDER = "tests"


class ClusterMismatch(RuntimeError):
    """This Dask worker cannot grade the submission exactly as the grader would."""


@dataclass(frozen=True)
class PackedBundle:
    """Everything a worker needs to grade submissions of one bundle, as plain data."""

    files: dict[str, bytes]
    """Path relative to the bundle folder (``/``-separated) -> content."""
    settings: AssignmentBundle
    """The bundle's settings; its ``suite_dir`` is replaced by the worker's own folder."""
    secret: str
    environment: dict[str, str]
    """``grading_environment()`` of the grader that packed it."""

    @functools.cached_property
    def digest(self) -> str:
        return _digest(self.files, self.settings, self.secret, self.environment)


def _bundle_files(bundle: AssignmentBundle) -> dict[str, bytes]:
    folder = bundle.suite_dir.parent
    files = {"manifest.json": (folder / "manifest.json").read_bytes()}
    for path in sorted(bundle.suite_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[f"{SUITE_FOLDER}/{path.relative_to(bundle.suite_dir).as_posix()}"] = path.read_bytes()
    return files


def _settings_json(settings: AssignmentBundle) -> str:
    fields = dataclasses.asdict(dataclasses.replace(settings, suite_dir=Path(SUITE_FOLDER)))
    return json.dumps(fields, sort_keys=True, default=str)


def _digest(files: dict[str, bytes], settings: AssignmentBundle, secret: str, environment: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        for part in (name.encode(), files[name]):
            digest.update(len(part).to_bytes(8, "big") + part)
    for text in (_settings_json(settings), secret, json.dumps(environment, sort_keys=True)):
        digest.update(len(text.encode()).to_bytes(8, "big") + text.encode())
    return digest.hexdigest()


@functools.cache
def grading_environment() -> dict[str, str]:
    """What a record depends on besides the bundle: this process's grading code and libraries."""
    import numpy
    import scipy

    import grader
    import reference

    code = hashlib.sha256()
    for package in (grader, reference):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            code.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return {"grading code": code.hexdigest()[:16], "python": ".".join(map(str, sys.version_info[:3])),
            "numpy": numpy.__version__, "scipy": scipy.__version__}


def pack(bundle: AssignmentBundle, secret: str) -> PackedBundle:
    """The bundle as the grader holds it, ready to ship."""
    return PackedBundle(files=_bundle_files(bundle), settings=bundle, secret=secret,
                        environment=grading_environment())


@dataclass
class _Installed:
    bundle: AssignmentBundle
    secret: str
    folder: Path


_INSTALLED: dict[str, _Installed] = {}
_LOCK = threading.Lock()


def install(packed: PackedBundle) -> Path:
    """Unpack ``packed`` into a private folder of this worker and remember it by digest."""
    with _LOCK:
        known = _INSTALLED.get(packed.digest)
        if known is not None and known.folder.is_dir():
            return known.folder
        folder = Path(tempfile.mkdtemp(prefix="nnf-bundle-"))
        for name, content in packed.files.items():
            path = folder / name
            if folder not in path.resolve().parents:
                raise ClusterMismatch(f"bundle file {name!r} would land outside its folder")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        bundle = dataclasses.replace(packed.settings, suite_dir=folder / SUITE_FOLDER)
        _INSTALLED[packed.digest] = _Installed(bundle=bundle, secret=packed.secret, folder=folder)
        return folder


def uninstall(digest: str) -> None:
    with _LOCK:
        known = _INSTALLED.pop(digest, None)
    if known is not None:
        shutil.rmtree(known.folder, ignore_errors=True)


def installed(digest: str, environment: dict[str, str]) -> tuple[AssignmentBundle, str]:
    """(bundle, secret) installed here under ``digest``, checked against the files on disk and
    against the grader's ``environment``; ``ClusterMismatch`` otherwise."""
    own = grading_environment()
    differing = [f"{key} {own.get(key)} here, {value} on the grader" for key, value in environment.items()
                 if own.get(key) != value]
    if differing:
        raise ClusterMismatch("this Dask worker grades differently from the grader: " + "; ".join(differing)
                              + " (install the same nn-foundations and libraries on every worker)")
    known = _INSTALLED.get(digest)
    if known is None:
        raise ClusterMismatch(f"bundle {digest[:12]} is not installed on this Dask worker")
    files = {name: (known.folder / name).read_bytes() for name in _files_on_disk(known.folder)}
    if _digest(files, dataclasses.replace(known.bundle, suite_dir=Path(SUITE_FOLDER)), known.secret,
               environment) != digest:
        raise ClusterMismatch(f"bundle {digest[:12]} on this Dask worker no longer matches its hash")
    return known.bundle, known.secret


def _files_on_disk(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


class BundlePlugin(WorkerPlugin):
    """Installs one packed bundle on every worker of the cluster, present and future."""

    idempotent = True  # registering the same bundle again (a re-run) ships nothing new

    def __init__(self, packed: PackedBundle):
        self.packed = packed
        self.name = f"nnf-bundle-{packed.digest[:24]}"

    def setup(self, worker) -> None:
        install(self.packed)

    def teardown(self, worker) -> None:
        uninstall(self.packed.digest)
