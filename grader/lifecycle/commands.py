"""The plain functions behind ``course release``, ``collect``, ``export`` and ``similarity``
(keyword-only options, defaults written once; ``grader/cli.py`` is their CLI). NumPy and
copydetect load only when ``similarity`` runs."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.config import load_course
from grader.lifecycle.safety import refuse_output_inside_sources

if TYPE_CHECKING:
    from grader.lifecycle.collect import CollectReport
    from grader.lifecycle.lms_export import ExportResult
    from grader.lifecycle.similarity import Pair


def collect(*, assignment: str, source: Path, roster: Path, out: Path = Path("submitted"),
            config: str | Path = "course.toml", archive_timezone: str = "UTC") -> CollectReport:
    """An LMS download (zip or folder) of ``assignment`` -> ``out/<student>/<assignment>/``."""
    from grader.lifecycle.collect import collect as collect_download
    from grader.lifecycle.roster import read_roster

    course = load_course(config)
    course.assignment(assignment)
    refuse_output_inside_sources(Path(out), course)
    return collect_download(slug=assignment, source=Path(source), roster=read_roster(roster), out=Path(out),
                            archive_timezone=archive_timezone)


def export(*, assignment: str, fmt: str = "csv", grades: Path = Path("grades"), roster: Path | None = None,
           out: Path | None = None, column: str | None = None,
           config: str | Path = "course.toml") -> tuple[Path, ExportResult]:
    """The final scores of ``assignment`` from ``grades/gradebook.sqlite`` in an LMS's import format,
    written to ``out`` (default ``grades/<assignment>/export-<fmt>.csv``)."""
    from grader.grading.gradebook import Gradebook
    from grader.lifecycle.lms_export import ExportError, export_grades
    from grader.lifecycle.roster import read_roster

    course = load_course(config)
    spec = course.assignment(assignment)
    book_path = Path(grades) / "gradebook.sqlite"
    if not book_path.is_file():
        raise ExportError(f"{book_path}: no gradebook (run `course grade {assignment} ... --out {grades}` first)")
    target = Path(out) if out else Path(grades) / assignment / f"export-{fmt}.csv"
    refuse_output_inside_sources(target.parent, course)
    with Gradebook(book_path) as book:
        records = book.records(assignment)
    if not records:
        raise ExportError(f"{book_path}: no graded submissions of {assignment}")
    result = export_grades(records, roster=read_roster(roster) if roster else None, fmt=fmt,
                           column=column or spec.title, max_score=float(sum(spec.points.values())))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.text, encoding="utf-8")
    return target, result


@dataclass
class SimilarityResult:
    report: Path
    """The HTML report."""
    pairs: list[Pair]
    """Every pair, most similar first."""
    table: Path
    """Every pair's scores as CSV."""


def similarity(*, assignment: str, paths: list[Path], out: Path = Path("grades"), shown: int = 10,
               config: str | Path = "course.toml") -> SimilarityResult:
    """Compare every pair of ``assignment``'s submissions under ``paths``; write
    ``out/<assignment>/similarity/similarity.html`` and ``pairs.csv``. Reads no grade, writes none."""
    from grader.build import build
    from grader.export.escape import csv_cell
    from grader.grading.discover import discover
    from grader.lifecycle.similarity import compare, similarity_report, solution_code

    course = load_course(config)
    functions = list(course.assignment(assignment).points)
    refuse_output_inside_sources(Path(out), course)
    submissions = discover([Path(p) for p in paths], assignment)
    with tempfile.TemporaryDirectory(prefix="nnf-similarity-") as tmp:
        build(config=config, assignments=[assignment], out=Path(tmp))
        handout = Path(tmp) / "release" / assignment / f"{assignment}.ipynb"
        boilerplate = solution_code(handout, functions, kinds=("setup", "solution", "other", "module"))
    codes = {s.student: solution_code(s.path, functions) for s in submissions}
    pairs = compare(codes, boilerplate)
    folder = Path(out) / assignment / "similarity"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "similarity.html"
    report.write_text(similarity_report(pairs, codes, title=f"{course.title}: {assignment}", shown=shown),
                      encoding="utf-8")
    table = folder / "pairs.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["first", "second", "score", "share_first", "share_second"])
        writer.writerows([csv_cell(p.first), csv_cell(p.second), f"{p.score:.3f}", f"{p.shares[0]:.3f}",
                          f"{p.shares[1]:.3f}"] for p in pairs)
    return SimilarityResult(report=report, pairs=pairs, table=table)
