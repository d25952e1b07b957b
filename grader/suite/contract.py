"""The contract-coverage rule: every graded function's hidden tests cover its whole contract.

Four parts of the contract, for every graded function of every assignment in course.toml:

- ``dtype``: float64 in gives float64 out. Every ``expect`` enforces it (a float32 output
  that is right to float32 precision still fails), and the self-test's ``contract:float32``
  fake (each float64 array the function returns cast to float32) must lose points on the
  function with a feedback naming float32.
- ``purity``: the arguments are never modified, arrays anywhere in them included (inside
  lists, tuples, dicts, objects' attributes; the worker compares them before and after each
  call). The self-test's ``contract:mutates`` fake (the right result, then every array in the
  arguments changed in place) must lose points on the function with "changed its input".
- ``warnings``: no warning on valid input (an overflow in exp, a division by zero, an invalid
  value: what an unstable formula emits even when its result comes out right). The plugin
  fails a test whose own function warned (the worker reports each call's warnings, under
  NumPy's default error handling), and the self-test's ``contract:warns`` fake (the right
  result after an exp that overflows) must lose points on the function with "emitted a warning".
- ``domain_edge``: some test, marked ``@pytest.mark.contract("domain_edge")``, takes an
  argument to an edge of its documented domain or to degenerate but valid data (a batch or a
  sequence of one, sizes that do not divide evenly, ties, a zero or near-zero spread, the
  boundaries a hyperparameter may take). Checked statically by ``coverage_gaps``; and, for
  every domain a docstring states, from the calls themselves: the self-test's reference case
  records what the domain-edge tests pass and names each documented edge none reaches
  (``grader.suite.edges``; one argument opted out as ``"domain_edge:<arg>"``).

Opt-out, for the rare function where a part cannot apply: a module-level dict in any test
module of the suite, with the reason the part cannot apply (shown when the rule is checked):

    CONTRACT_OPT_OUT = {"kfold": {"dtype": "returns integer index arrays only",
                                  "purity": "takes no array argument"}}

``python -m grader.suite.contract SUITE_DIR ASSIGNMENT TASK...`` prints the suite's coverage
as JSON (a fresh process: two pytest sessions in one process interfere).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CONTRACT_KINDS = ("dtype", "purity", "warnings", "domain_edge")
STATIC_KINDS = ("domain_edge",)
"""Checked from the markers; the others are checked by the self-test's contract fakes."""


@dataclass(frozen=True)
class SuiteContracts:
    """What one hidden suite declares about the contract of each graded function."""

    marked: dict[str, frozenset[str]]
    """Task -> the ``contract(...)`` kinds its tests are marked with."""
    opt_outs: dict[str, dict[str, str]]
    """Task -> kind -> why that part of the contract cannot apply (``CONTRACT_OPT_OUT``)."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """The suite's collection problems (a suite that does not collect covers nothing)."""

    def opted_out(self, task: str, kind: str) -> bool:
        """``domain_edge:p`` (one argument's edges) is opted out by ``domain_edge`` too."""
        opted = self.opt_outs.get(task, {})
        return kind in opted or (kind.startswith("domain_edge:") and "domain_edge" in opted)


def coverage_gaps(contracts: SuiteContracts, tasks: list[str]) -> list[str]:
    """One line per broken rule: a task without a domain-edge test and no opt-out, an opt-out
    without a reason or for an unknown task or kind, a marker of an unknown kind."""
    gaps = list(contracts.problems)
    for task in tasks:
        for kind in STATIC_KINDS:
            if kind not in contracts.marked.get(task, frozenset()) and not contracts.opted_out(task, kind):
                gaps.append(f"{task}: no test marked contract({kind!r}) and no CONTRACT_OPT_OUT for it")
    for task, kinds in contracts.marked.items():
        for kind in sorted(set(kinds) - set(CONTRACT_KINDS)):
            gaps.append(f"{task}: unknown contract kind {kind!r} (known: {', '.join(CONTRACT_KINDS)})")
    for task, kinds in contracts.opt_outs.items():
        if task not in tasks:
            gaps.append(f"CONTRACT_OPT_OUT names {task!r}, which is not a graded function of this assignment")
        for kind, reason in kinds.items():
            if kind not in CONTRACT_KINDS and not kind.startswith("domain_edge:"):
                gaps.append(f"CONTRACT_OPT_OUT[{task!r}]: unknown contract kind {kind!r}")
            if not reason.strip():
                gaps.append(f"CONTRACT_OPT_OUT[{task!r}][{kind!r}] gives no reason")
    return gaps


@lru_cache(maxsize=64)
def collect_contracts(suite_dir: Path, assignment: str, tasks: tuple[str, ...]) -> SuiteContracts:
    """Collect the suite (no test runs) in a fresh process and read its contract declarations."""
    done = subprocess.run([sys.executable, "-m", "grader.suite.contract", str(suite_dir), assignment, *tasks],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return SuiteContracts({}, {}, (f"the suite's contracts could not be collected: {tail}",))
    data = json.loads(done.stdout)
    return SuiteContracts({task: frozenset(kinds) for task, kinds in data["marked"].items()},
                          data["opt_outs"], tuple(data["problems"]))


def _collect_here(suite_dir: Path, assignment: str, tasks: list[str]) -> dict:
    import contextlib
    import io

    import pytest

    from grader.suite.plugin import SuiteContext, SuitePlugin
    from grader.suite.run import suite_invocation

    plugin = SuitePlugin(SuiteContext(assignment=assignment, task_points={t: 1.0 for t in tasks}, reference={},
                                      seed_material="", call=lambda *_: None))
    with suite_invocation(suite_dir, extra=("--collect-only",)) as args, \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[plugin])
    problems = list(plugin.problems) + ([] if plugin.order else ["the hidden suite collected no test"])
    return {"marked": {task: sorted(kinds) for task, kinds in plugin.contracts.items()},
            "opt_outs": plugin.opt_outs, "problems": problems}


if __name__ == "__main__":
    print(json.dumps(_collect_here(Path(sys.argv[1]), sys.argv[2], sys.argv[3:])))
