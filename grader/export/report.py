"""The instructor's summary report: score table, grade histogram (PNG), tests passed per graded
function (PNG), the hardest tests, and what the class got wrong (``misconceptions.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.export.escape import markdown_text
from grader.export.misconceptions import misconceptions, write_misconceptions
from grader.records import SubmissionRecord


def _pass_fractions(records: Sequence[SubmissionRecord], key) -> dict[str, float]:
    """Per key(test), the fraction of those tests that passed, over all records, in suite order."""
    passed: dict[str, int] = {}
    seen: dict[str, int] = {}
    for record in records:
        for test in record.tests:
            seen[key(test)] = seen.get(key(test), 0) + 1
            passed[key(test)] = passed.get(key(test), 0) + (test.status == "passed")
    return {k: passed[k] / seen[k] for k in seen}


def pass_rates(records: Sequence[SubmissionRecord]) -> dict[str, float]:
    """Per test name, the fraction of graded submissions that passed it, in suite order."""
    return _pass_fractions(records, lambda test: test.name)


def task_pass_rates(records: Sequence[SubmissionRecord]) -> dict[str, float]:
    """Per graded function, the fraction of its tests passed, over all submissions, in suite order."""
    return _pass_fractions(records, lambda test: test.task)


def _figure(width: float, height: float):
    # A bare Figure, not pyplot: no global backend or figure registry to touch.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _plot_histogram(records: Sequence[SubmissionRecord], path: Path, title: str) -> None:
    percents = [100.0 * r.score / r.max_score if r.max_score else 0.0 for r in records]
    fig, ax = _figure(6, 3.5)
    ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001], color="#4477aa", edgecolor="white")
    ax.set_xlabel("score (% of points)")
    ax.set_ylabel("submissions")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})


def _plot_pass_rates(rates: dict[str, float], path: Path, title: str) -> None:
    names = list(rates)
    fig, ax = _figure(7, 0.3 * len(names) + 1.2)
    ax.barh(range(len(names)), [100 * rates[n] for n in names], color="#228833")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("tests passed, all submissions (%)")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})


def write_report(records: Sequence[SubmissionRecord], out_dir: Path, *, title: str) -> Path:
    """Write ``report.md`` with, per assignment, a score table and two PNG plots; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    slugs = sorted({r.assignment for r in records})
    lines = [f"# Grading report: {title}", ""]
    for slug in slugs:
        subset = sorted((r for r in records if r.assignment == slug), key=lambda r: r.student)
        histogram = out_dir / f"{slug}_histogram.png"
        rates_png = out_dir / f"{slug}_pass_rates.png"
        _plot_histogram(subset, histogram, f"{slug}: grade distribution")
        rates = pass_rates(subset)
        _plot_pass_rates(task_pass_rates(subset), rates_png, f"{slug}: tests passed per function")
        mean = sum(r.score for r in subset) / len(subset)
        lines += [f"## {slug}", "", f"{len(subset)} submissions, mean score {mean:.2f} / {subset[0].max_score:g}.", "",
                  "| student | score | status | problems |", "|---|---|---|---|"]
        for r in subset:
            problems = markdown_text("; ".join(r.problems), limit=200)
            lines.append(f"| {markdown_text(r.student)} | {r.score:g} / {r.max_score:g} | {r.status} | {problems} |")
        hardest = sorted(rates.items(), key=lambda kv: kv[1])[:5]
        table = misconceptions(subset)
        mistakes = write_misconceptions(table, out_dir, title=f"{title}: {slug}" if len(slugs) > 1 else title,
                                        name="misconceptions" if len(slugs) == 1 else f"{slug}_misconceptions")
        top = table.most_common_named(1)
        common = (f" (most common: {markdown_text(f'{top[0].task}: {top[0].name}')}, {top[0].students} students)"
                  if top else "")
        lines += ["", "Hardest tests: " + ", ".join(f"{n} ({100 * v:.0f}%)" for n, v in hardest), "",
                  f"What the class got wrong, per function: [{mistakes.name}]({mistakes.name}){common}.", "",
                  f"![grade histogram]({histogram.name})", "", f"![pass rates]({rates_png.name})", ""]
    report = out_dir / "report.md"
    report.write_text("\n".join(lines))
    return report
