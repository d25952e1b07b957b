"""The pytest plugin that runs one assignment's hidden suite against one submission.

Hidden tests are plain pytest functions in ``assignments/NN_slug/tests/`` that use these
fixtures:

    student   calls the student's functions in the sandboxed worker: student.linear_forward(x, w, b)
    ref       the reference functions of the assignment: ref.linear_forward(x, w, b)
    rng       a numpy Generator seeded per (course secret, student, assignment, test)
    expect    expect(got, expected, name="dx", kind="gradients", variants={...}, regions={...})
              -> raises GradeFailure (regions: named boolean masks of the output, see diagnose;
              variants=lambda: {...} computes the known mistakes only for a wrong answer)

and these markers: ``taskNN_<function>`` (exactly one per test: whose points it shares),
``weight(w)`` (share of the task's points, default 1), ``visibility("hidden")`` (default
"visible"), ``contract("domain_edge", ...)`` (what part of the function's contract the test
covers: see ``grader.suite.contract``). A task's points (course.toml) are split over its tests in
proportion to weight.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pytest

from grader.suite.diagnose import Variants, diagnose
from grader.tolerance import Tolerance
from grader.records import TestResult
from grader.suite.dependencies import builds_on, note_failing_dependencies
from grader.suite.outcome import classify_exception

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


class GradeFailure(AssertionError):
    """A hidden test's verdict: the student's output is wrong; the message says how, and
    ``mistake`` names the mistake when it was recognised (``Verdict.mistake``)."""

    def __init__(self, message: str, mistake: str = ""):
        super().__init__(message)
        self.mistake = mistake


@dataclass(frozen=True)
class SuiteContext:
    """What the plugin needs to grade one submission."""

    assignment: str
    """Assignment slug, e.g. ``01_activations``; its number prefixes the task markers."""
    task_points: Mapping[str, float]
    """Graded function -> points (from course.toml)."""
    reference: Mapping[str, str]
    """Graded function -> ``module:function`` of its reference implementation."""
    seed_material: str
    """Secret + student + assignment: what ``rng`` seeds are derived from."""
    call: Callable[[str, tuple, dict], object]
    """call(function name, args, kwargs): runs the student's function (in the worker)."""
    tolerances: Mapping[str, Tolerance] = field(default_factory=dict)
    """Tolerance per kind of quantity (values, gradients, losses, ...); "values" is the default."""
    last_mutated: Callable[[], list[str]] | None = None
    """After a call: the arguments it changed in place (the worker compares them before and after)."""
    last_warnings: Callable[[], list[str]] | None = None
    """After a call: the warnings it emitted, one line each (deprecation warnings left out)."""
    observe: Callable[[str, frozenset, str, tuple, dict], None] | None = None
    """Told of every call: observe(the test's task, its contract kinds, function, args, kwargs)
    (the self-test checks with it that domain-edge tests reach every documented edge)."""


def task_marker(assignment: str, function: str) -> str:
    """The pytest marker of a graded function: ``task01_sigmoid_forward``."""
    return f"task{assignment.split('_', 1)[0]}_{function}"


class StudentProxy:
    """``student.name(*args, **kwargs)`` runs the student's ``name`` through the worker."""

    def __init__(self, call: Callable[[str, tuple, dict], object]):
        self._call = call

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs)


class ReferenceNamespace:
    """``ref.name`` is the reference implementation of graded function ``name``."""

    def __init__(self, reference: Mapping[str, str]):
        self._reference = dict(reference)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._reference:
            module, _, function = self._reference[name].partition(":")
            return getattr(importlib.import_module(module), function)
        for module_path in sorted({p.partition(":")[0] for p in self._reference.values()}):
            found = getattr(importlib.import_module(module_path), name, None)
            if found is not None:
                return found
        raise AttributeError(f"no reference function {name!r} for this assignment")


def make_expect(tolerances: Mapping[str, Tolerance]):
    def expect(got, expected, *, name: str = "output", kind: str = "values",
               variants: Variants = None,
               regions: Mapping[str, np.ndarray] | None = None) -> None:
        tolerance = tolerances.get(kind) or tolerances.get("values") or Tolerance()
        verdict = diagnose(got, expected, name=name, tolerance=tolerance, variants=variants, regions=regions)
        if not verdict.ok:
            raise GradeFailure(verdict.message, verdict.mistake)

    return expect


def _seed(material: str, test_key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{material}\0{test_key}".encode()).digest()[:8], "little")


def _test_key(item: pytest.Item) -> str:
    # Independent of where the suite was copied to, so seeds survive a rebuild.
    return f"{item.path.name}::{item.name}"


def _display_name(item: pytest.Item, task: str) -> str:
    doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
    title = doc[0].rstrip(".") if doc else item.originalname.removeprefix("test_").replace("_", " ")
    params = f" [{item.callspec.id}]" if hasattr(item, "callspec") else ""
    return f"{task}: {title}{params}"


class SuitePlugin:
    """Registered with ``pytest.main(plugins=[...])``; collects one ``TestResult`` per test."""

    def __init__(self, context: SuiteContext):
        self.context = context
        self.results: dict[str, TestResult] = {}
        self.order: list[str] = []
        self._meta: dict[str, tuple[str, str, float, str]] = {}
        self.problems: list[str] = []
        self._markers = {task_marker(context.assignment, f): f for f in context.task_points}
        self._mutations: list[tuple[str, list[str]]] = []  # (function, arguments) seen in this test
        self._warnings: list[tuple[str, list[str]]] = []  # (function, warnings) seen in this test
        self._running: tuple[str, frozenset] = ("", frozenset())  # the running test's task and contract kinds
        self.contracts: dict[str, set[str]] = {}  # task -> contract("...") kinds of its tests
        self.opt_outs: dict[str, dict[str, str]] = {}  # task -> kind -> why it cannot apply (CONTRACT_OPT_OUT)

    @property
    def task_markers(self) -> dict[str, str]:
        """Marker name -> graded function (``task01_sigmoid_forward`` -> ``sigmoid_forward``)."""
        return self._markers

    def _call(self, name: str, args: tuple, kwargs: dict):
        if self.context.observe is not None:
            self.context.observe(*self._running, name, args, kwargs)
        result = self.context.call(name, args, kwargs)
        mutated = self.context.last_mutated() if self.context.last_mutated else []
        if mutated:
            self._mutations.append((name, mutated))
        warned = self.context.last_warnings() if self.context.last_warnings else []
        if warned:
            self._warnings.append((name, warned))
        return result

    # fixtures -----------------------------------------------------------------------------
    FIXTURES = ("student", "ref", "rng", "expect")
    """The fixtures this plugin provides (``grader.suite.direct`` provides the same values)."""

    def fixture_value(self, name: str, item: pytest.Item):
        """The value of this plugin's fixture ``name`` for the test ``item``."""
        if name == "student":
            return StudentProxy(self._call)
        if name == "ref":
            return ReferenceNamespace(self.context.reference)
        if name == "rng":
            return np.random.default_rng(_seed(self.context.seed_material, _test_key(item)))
        if name == "expect":
            return make_expect(self.context.tolerances)
        raise KeyError(name)

    @pytest.fixture
    def student(self) -> StudentProxy:
        return self.fixture_value("student", None)

    @pytest.fixture
    def ref(self) -> ReferenceNamespace:
        return self.fixture_value("ref", None)

    @pytest.fixture
    def rng(self, request) -> np.random.Generator:
        return self.fixture_value("rng", request.node)

    @pytest.fixture
    def expect(self):
        return self.fixture_value("expect", None)

    # hooks --------------------------------------------------------------------------------
    def pytest_configure(self, config):
        for marker, function in self._markers.items():
            config.addinivalue_line("markers", f"{marker}: tests of {function}")
        config.addinivalue_line("markers", "weight(w): this test's share of its task's points")
        config.addinivalue_line("markers", "visibility(v): Gradescope visibility of this test")
        config.addinivalue_line("markers", "contract(*kinds): the parts of the contract this test covers")

    def pytest_collection_modifyitems(self, session, config, items):
        weights: dict[str, float] = {}
        for item in items:
            tasks = [self._markers[m.name] for m in item.iter_markers() if m.name in self._markers]
            if len(tasks) != 1:
                self.problems.append(f"hidden test {item.nodeid} has {len(tasks)} task markers, expected 1")
                continue
            weight_marker = item.get_closest_marker("weight")
            weight = float(weight_marker.args[0]) if weight_marker else 1.0
            visibility_marker = item.get_closest_marker("visibility")
            visibility = visibility_marker.args[0] if visibility_marker else "visible"
            if visibility not in VISIBILITIES:
                self.problems.append(f"hidden test {item.nodeid}: unknown visibility {visibility!r}")
                visibility = "visible"
            self._meta[item.nodeid] = (tasks[0], _display_name(item, tasks[0]), weight, visibility)
            covered = self.contracts.setdefault(tasks[0], set())
            for marker in item.iter_markers("contract"):
                covered.update(str(kind) for kind in marker.args)
            self._read_opt_outs(getattr(item, "module", None))
            weights[tasks[0]] = weights.get(tasks[0], 0.0) + weight
            self.order.append(item.nodeid)
        self._weights = weights
        for function in self.context.task_points:
            if function not in weights:
                self.problems.append(f"no hidden test for task {function}")

    def _read_opt_outs(self, module) -> None:
        """A test module's CONTRACT_OPT_OUT ({function: {kind: reason}}); a malformed one is a problem."""
        declared = getattr(module, "CONTRACT_OPT_OUT", None)
        if declared is None:
            return
        if not isinstance(declared, dict) or not all(isinstance(kinds, dict) for kinds in declared.values()):
            name = getattr(module, "__name__", "a test module")
            problem = f"{name}: CONTRACT_OPT_OUT must be {{function: {{kind: reason}}}}"
            if problem not in self.problems:
                self.problems.append(problem)
            return
        for function, kinds in declared.items():
            self.opt_outs.setdefault(str(function), {}).update({str(k): str(v) for k, v in kinds.items()})

    def max_score(self, nodeid: str) -> float:
        task, _, weight, _ = self._meta[nodeid]
        return self.context.task_points[task] * weight / self._weights[task]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if call.when == "call" or (call.when == "setup" and report.outcome != "passed"):
            self.record(item, call.when, call.excinfo.value if call.excinfo else None, skipped=report.skipped)

    def record(self, item: pytest.Item, when: str, error: BaseException | None, *, skipped: bool = False) -> None:
        """The result of ``item``: from its call phase (``error`` what it raised, or None), or from
        a setup phase that did not pass (``skipped``: it was skipped there)."""
        if item.nodeid not in self._meta or item.nodeid in self.results:
            return
        task, name, _, visibility = self._meta[item.nodeid]
        max_score = self.max_score(item.nodeid)
        diagnosis = ""
        if when == "setup" and skipped:
            status, message = "grader_error", "the hidden test was skipped"
        elif error is None and self._mutated(task):
            status, message, diagnosis = "failed", self._mutated(task), "changed its input in place"
        elif error is None and self._warned(task):
            status, message, diagnosis = "failed", self._warned(task), "warned on valid input"
        elif error is None:
            status, message = "passed", "passed"
        elif when == "setup":
            status, message = "grader_error", f"the hidden test could not start: {type(error).__name__}"
        else:
            status, message = classify_exception(error, GradeFailure)
            diagnosis = error.mistake if isinstance(error, GradeFailure) else ""
            if status == "failed" and self._own_warnings(task):
                message += f" ({task} also warned: {self._own_warnings(task)[0]})"
        score = max_score if status == "passed" else 0.0
        self.results[item.nodeid] = TestResult(
            name=name, task=task, score=score, max_score=max_score, status=status,
            output=message, visibility=visibility, diagnosis=diagnosis)

    def _mutated(self, task: str) -> str:
        """The contract "inputs are never mutated", for calls of the test's own function."""
        labels = sorted({label for name, mutated in self._mutations if name == task for label in mutated})
        if not labels:
            return ""
        return (f"{task} changed its input ({', '.join(labels)}) in place: the values are right, but a "
                f"function must not modify its arguments (work on a copy, or build a new array)")

    def _own_warnings(self, task: str) -> list[str]:
        return list(dict.fromkeys(line for name, lines in self._warnings if name == task for line in lines))

    def _warned(self, task: str) -> str:
        """The contract "no warnings on valid input", for calls of the test's own function."""
        lines = self._own_warnings(task)
        if not lines:
            return ""
        more = f" and {len(lines) - 1} more" if len(lines) > 1 else ""
        return (f"{task} emitted a warning on valid input: {lines[0]}{more}. The values are right, but a function "
                f"must not warn anywhere in its documented domain: an overflow or a 0/0 that happens to give the "
                f"right value here is a numerically unstable formula (rewrite it so that no step overflows)")

    def pytest_runtest_setup(self, item):
        self._mutations = []
        self._warnings = []
        task = self._meta[item.nodeid][0] if item.nodeid in self._meta else ""
        self._running = (task, frozenset(str(k) for m in item.iter_markers("contract") for k in m.args))

    def ordered_results(self) -> list[TestResult]:
        """Results grouped by task in course.toml order, each task's tests in suite order."""
        rank = {task: i for i, task in enumerate(self.context.task_points)}
        results = [self.results[n] for n in self.order if n in self.results]
        # A failure downstream of a graded function that fails its own tests says so.
        results = note_failing_dependencies(results, builds_on(self.context.reference))
        return sorted(results, key=lambda r: rank.get(r.task, len(rank)))
