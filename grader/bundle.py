"""An assignment's autograder bundle, ``build/autograder/<slug>/``: what ``course build`` wrote
for grading (``manifest.json`` and the hidden suite) read back as one typed record.

    bundle = AssignmentBundle.load(build_dir / "autograder" / slug)

Only the manifest is read: a bundle from another grader version is refused with "rebuild",
never filled in with defaults.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UserError
from grader.limits import Limits
from grader.tolerance import Tolerance


class BundleError(UserError):
    """The autograder bundle is missing or malformed (run ``course build`` first)."""


@dataclass(frozen=True)
class AssignmentBundle:
    """What grading one assignment needs: ``build/autograder/<slug>/`` as built by ``course build``."""

    slug: str
    """Assignment slug."""
    title: str
    """Assignment title."""
    task_points: dict[str, float]
    """Graded function -> points."""
    reference: dict[str, str]
    """Graded function -> ``module:function`` of its reference implementation."""
    limits: Limits
    """The worker's limits for this assignment."""
    tolerances: dict[str, Tolerance]
    """Kind of quantity -> closeness used by ``expect``."""
    suite_dir: Path
    """The hidden pytest suite."""

    @property
    def max_score(self) -> float:
        return float(sum(self.task_points.values()))

    @classmethod
    def load(cls, folder: Path) -> "AssignmentBundle":
        manifest_path = Path(folder) / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except FileNotFoundError:
            raise BundleError(f"{manifest_path}: not found (run `course build` first)") from None
        except (OSError, ValueError) as error:
            raise BundleError(f"{manifest_path}: unreadable ({error})") from None
        try:
            return cls(
                slug=manifest["slug"], title=manifest["title"],
                task_points={t["name"]: float(t["points"]) for t in manifest["tasks"]},
                reference={t["name"]: t["reference"] for t in manifest["tasks"]},
                limits=Limits.from_manifest(manifest["limits"]),
                tolerances={kind: Tolerance(**value) for kind, value in manifest["tolerances"].items()},
                suite_dir=Path(folder) / "tests",
            )
        except (KeyError, TypeError, ValueError) as error:
            raise BundleError(f"{manifest_path}: not a manifest this grader can read ({type(error).__name__}: "
                              f"{error}); rebuild it with `course build`") from None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def submission_sha256(path: Path) -> str:
    """SHA-256 of the submitted bytes; of no bytes when the file cannot be read (it is then
    graded as unreadable, with the reason)."""
    try:
        return file_sha256(path)
    except OSError:
        return hashlib.sha256(b"").hexdigest()
