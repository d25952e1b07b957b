"""Self-test of a hidden suite: does it grade right?

For one assignment, grade (1) the reference solution: full marks; (2) the untouched release:
zero; (3) each mutant in ``assignments/<slug>/selftest/mutants/``: loses points on exactly the
tasks its header names, with the feedback words it names; (4) each alternative in
``selftest/alternatives/``: full marks; (5) the generic fakes of ``grader.selftest.fakes``
(every graded function returning zeros, ones, its input, or raising ValueError): zero on every
test; (6) the contract fakes (right values as float32; right result, then the arguments changed
in place; right values after a warning): each graded function loses points with a feedback
naming the broken part of its contract, unless its suite opts it out (``grader.suite.contract``).
Grading the reference also records what the suite passes to each function: every edge of a
domain its docstring documents must be reached by a test marked domain_edge
(``grader.suite.edges``).

A mutant or alternative file holds only the functions it replaces; it is appended to the
reference solution's code, so its defs win. Header:

    # selftest: mutant | alternative
    # description: dW transposed
    # expect-lose: linear_backward
    # expect-feedback: transposed
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.discover import Submission
from grader.grading.extract import extract_submission
from grader.bundle import AssignmentBundle
from grader.errors import UserError
from grader.grading.submission import grade_submission, suite_session_for
from grader.records import SubmissionRecord
from grader.selftest.fakes import CONTRACT_FAKES, FAKE_KINDS, fake_module
from grader.suite.contract import SuiteContracts, collect_contracts
from grader.suite.edges import EdgeRecorder, edge_gaps

class CatalogueError(UserError):
    """A mutant or alternative file whose header does not say what it is."""


_HEADER = re.compile(r"^#\s*(selftest|description|expect-lose|expect-feedback)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class SelfTestCase:
    """One submission the self-test grades, and what it must score."""

    name: str
    """``reference``, ``release``, ``mutant:<file stem>``, ``alternative:<file stem>``, ``fake:<kind>`` or
    ``contract:<kind>``."""
    description: str
    """What the case is (a mutant's bug, an alternative's approach)."""
    path: Path | None = None
    """The mutant or alternative file (None for reference and release)."""
    expect_lose: tuple[str, ...] = ()
    """Tasks that must lose points (mutants only)."""
    expect_feedback: tuple[str, ...] = ()
    """Words, any case, that a failing test of a lost task must show (mutants only)."""


@dataclass(frozen=True)
class SelfTestOutcome:
    """A graded case and whether the suite graded it right."""

    case: SelfTestCase
    """The case."""
    record: SubmissionRecord
    """Its grading record."""
    ok: bool
    """True when the grade is what the case expects."""
    reasons: tuple[str, ...] = field(default_factory=tuple)
    """Why not, when ``ok`` is False."""


def parse_header(path: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
        elif line.strip() and not line.startswith("#"):
            break
    return fields


def cases(assignment_folder: Path) -> list[SelfTestCase]:
    """The reference, the release, every mutant and alternative (sorted by file name), then the fakes."""
    found = [SelfTestCase("reference", "the reference solution"),
             SelfTestCase("release", "the untouched student release")]
    for kind in ("mutants", "alternatives"):
        for path in sorted((assignment_folder / "selftest" / kind).glob("*.py")):
            header = parse_header(path)
            declared = header.get("selftest", "")
            if declared != kind.rstrip("s"):
                raise CatalogueError(f"{path}: header says selftest: {declared!r}, expected {kind.rstrip('s')!r}")
            found.append(SelfTestCase(
                name=f"{kind.rstrip('s')}:{path.stem}", description=header.get("description", path.stem),
                path=path, expect_lose=tuple(header.get("expect-lose", "").split()),
                expect_feedback=tuple(w.strip() for w in header.get("expect-feedback", "").split(",") if w.strip())))
    found += [SelfTestCase(f"fake:{kind}", description) for kind, description in FAKE_KINDS.items()]
    found += [SelfTestCase(f"contract:{kind}", description, expect_feedback=(phrase,))
              for kind, (_, description, phrase) in CONTRACT_FAKES.items()]
    return found


def solution_module(source_notebook: Path, functions: list[str]) -> str:
    """The reference solution as one Python module: the source notebook's setup and solution code."""
    extracted = extract_submission(source_notebook, expected_functions=functions)
    return "\n\n".join(chunk.source for chunk in extracted.chunks) + "\n"


def judge(case: SelfTestCase, record: SubmissionRecord, contracts: SuiteContracts | None = None,
          edges: EdgeRecorder | None = None) -> tuple[str, ...]:
    """Reasons the record is not what the case expects (empty when it is); for the reference,
    also each documented domain edge its domain-edge tests never passed (``edges``)."""
    lost = {t.task for t in record.tests if t.score < t.max_score - 1e-9}
    if case.name.startswith("contract:"):
        return _judge_contract(case, record, contracts or SuiteContracts({}, {}))
    if case.name in ("reference",) or case.name.startswith("alternative:"):
        reasons: tuple[str, ...] = ()
        if record.score < record.max_score - 1e-9:
            failing = [f"{t.name}: {t.output}" for t in record.tests if t.status != "passed"]
            reasons = (f"expected full marks, got {record.score:g}/{record.max_score:g}", *failing[:5])
        if edges is not None:
            tasks = list(dict.fromkeys(t.task for t in record.tests))
            reasons += tuple(edge_gaps(edges, tasks, (contracts or SuiteContracts({}, {})).opted_out))
        return reasons
    if case.name == "release":
        return () if record.score == 0 else (f"expected 0 points, got {record.score:g}",)
    if case.name.startswith("fake:"):
        paid = [f"{t.name} paid {t.score:g}" for t in record.tests if t.score > 0]
        return (f"a fake must score 0, got {record.score:g}", *paid) if paid else ()
    reasons = []
    expected = set(case.expect_lose)
    if not expected:
        reasons.append("the mutant's header names no expect-lose task")
    if missed := sorted(expected - lost):
        reasons.append(f"not caught: tasks {missed} kept full marks")
    if extra := sorted(lost - expected):
        reasons.append(f"collateral: tasks {extra} lost points too")
    outputs = " ".join(t.output.lower() for t in record.tests if t.task in expected and t.status != "passed")
    for word in case.expect_feedback:
        if word.lower() not in outputs:
            reasons.append(f"feedback does not say {word!r}")
    return tuple(reasons)


def _judge_contract(case: SelfTestCase, record: SubmissionRecord, contracts: SuiteContracts) -> tuple[str, ...]:
    """Every task not opted out of this part of the contract loses points, saying why."""
    part = CONTRACT_FAKES[case.name.partition(":")[2]][0]
    phrase = case.expect_feedback[0].lower()
    reasons = []
    for task in dict.fromkeys(t.task for t in record.tests):
        if contracts.opted_out(task, part):
            continue
        if not any(t.task == task and t.score < t.max_score - 1e-9 and phrase in t.output.lower() for t in record.tests):
            reasons.append(f"{task}: no test catches a break of its {part} contract (feedback {phrase!r}); test it, "
                           f"or opt out in CONTRACT_OPT_OUT with the reason")
    return tuple(reasons)


def run_case(case: SelfTestCase, *, bundle: AssignmentBundle, source_notebook: Path, release_notebook: Path,
             secret: str = "selftest", scratch: Path | None = None) -> SelfTestOutcome:
    """Grade one case (with this process's session of the suite) and judge the grade."""
    with tempfile.TemporaryDirectory(prefix="nnf-selftest-", dir=scratch) as tmp:
        if case.name == "reference":
            path = source_notebook
        elif case.name == "release":
            path = release_notebook
        elif case.name.startswith(("fake:", "contract:")):
            path = Path(tmp) / f"fake_{case.name.partition(':')[2]}.py"
            path.write_text(fake_module(solution_module(source_notebook, list(bundle.task_points)),
                                        list(bundle.task_points), case.name.partition(":")[2]))
        else:
            path = Path(tmp) / f"{case.path.stem}.py"
            path.write_text(solution_module(source_notebook, list(bundle.task_points))
                            + "\n\n# ---- self-test override ----\n" + case.path.read_text())
        edges = EdgeRecorder(bundle.reference) if case.name == "reference" else None
        record = grade_submission(Submission(case.name.replace(":", "-"), bundle.slug, path), bundle, secret=secret,
                                  suite=suite_session_for(bundle), observe=edges.observe if edges else None)
    contracts = None
    if case.name.startswith("contract:") or case.name == "reference":
        contracts = collect_contracts(bundle.suite_dir, bundle.slug, tuple(bundle.task_points))
    reasons = judge(case, record, contracts, edges)
    return SelfTestOutcome(case=case, record=record, ok=not reasons, reasons=reasons)
