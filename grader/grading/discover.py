"""Find submissions: an nbgrader ``submitted/<student>/<assignment>/*.ipynb`` tree, a flat folder
of ``<student>.ipynb`` / ``<student>.py`` files, or single files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import UserError
from grader.records import ID_CHARS
from grader.safe_text import clean_text

SUBMISSION_SUFFIXES = (".ipynb", ".py")


def _student_id(name: str) -> str:
    return clean_text(name, limit=ID_CHARS)


@dataclass(frozen=True)
class Submission:
    """One student's file for one assignment."""

    student: str
    """Student id: the nbgrader student folder, else the file's stem (as clean text: a name is
    the student's to choose, so it may hold anything a file name can)."""
    assignment: str
    """Assignment slug."""
    path: Path
    """The submitted file."""


class DiscoveryError(UserError):
    """A path given to ``course grade`` holds no submission we can find."""


def _is_submission_file(path: Path) -> bool:
    return path.is_file() and path.suffix in SUBMISSION_SUFFIXES and not path.name.startswith(".")


def _pick_notebook(folder: Path, assignment: str) -> Path | None:
    """The submission file in an nbgrader ``<student>/<assignment>/`` folder."""
    candidates = sorted(p for p in folder.iterdir() if _is_submission_file(p))
    preferred = [p for p in candidates if p.stem == assignment]
    notebooks = [p for p in candidates if p.suffix == ".ipynb"]
    return (preferred or notebooks or candidates or [None])[0]


def discover(paths: list[Path], assignment: str) -> list[Submission]:
    """Every submission for ``assignment`` under ``paths``, sorted by student; duplicates are an error."""
    found: list[Submission] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise DiscoveryError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix not in SUBMISSION_SUFFIXES:
                raise DiscoveryError(f"{path}: not a submission (expected .ipynb or .py)")
            found.append(Submission(_student_id(path.stem), assignment, path))
            continue
        nbgrader_folders = sorted(p for p in path.glob(f"*/{assignment}") if p.is_dir())
        if nbgrader_folders:
            for folder in nbgrader_folders:
                notebook = _pick_notebook(folder, assignment)
                if notebook is not None:
                    found.append(Submission(_student_id(folder.parent.name), assignment, notebook))
            continue
        flat = sorted(p for p in path.iterdir() if _is_submission_file(p))
        if not flat:
            raise DiscoveryError(f"{path}: no submissions found (expected <student>/{assignment}/*.ipynb "
                                 f"folders or <student>.ipynb / <student>.py files)")
        found.extend(Submission(_student_id(p.stem), assignment, p) for p in flat)
    students: dict[str, Path] = {}
    for submission in found:
        if submission.student in students:
            raise DiscoveryError(f"student {submission.student!r} has two submissions: "
                                 f"{students[submission.student]} and {submission.path}")
        students[submission.student] = submission.path
    return sorted(found, key=lambda s: s.student)
