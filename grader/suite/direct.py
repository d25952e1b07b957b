"""Running a collected hidden test by calling its function, without pytest's per-test protocol,
when nothing that protocol does could change its result.

pytest's ``runtestprotocol`` costs more per test than most hidden tests themselves: three
phases, each a ``CallInfo`` and a ``TestReport`` (which copies the item's keywords), a dozen
hook calls, a fixture request per argument (a fixture definition, and an ``inspect.signature``,
made afresh for every ``request`` a parametrized argument needs). For a submission of
01_activations (144 tests) that was about a third of the grader's time.

A test qualifies when it is a plain test function (no class, not async) whose fixtures are all
either this plugin's own (``student``, ``ref``, ``rng``, ``expect``, not overridden), arguments
of its own ``@pytest.mark.parametrize``, or plain fixtures of the suite (function-scoped, not
parametrized, not a generator: a ``return``, no teardown; asking only for fixtures that qualify
too, not ``request``: the ``pair`` helpers of the conftest files); when nothing else is set up
for it (no autouse fixture, no ``usefixtures``, no setup_module: those show as fixtures of its
own); when it carries no mark but ``parametrize``, its task marker, ``weight``, ``visibility``
and ``contract`` (no skip, skipif, xfail, filterwarnings...); and when no conftest implements a
hook of the protocol. Running it is then exactly what pytest does: compute each fixture once, in
pytest's order (depth first, in the order of the item's fixture closure), call the function
with its arguments, and record what it raised. A ``SuiteSession`` runs its items this way only
when every one qualifies; otherwise each goes through pytest's protocol.
"""

from __future__ import annotations

import types

import pytest
from _pytest.outcomes import Exit

try:  # where pytest keeps the fixture function of a directly parametrized argument
    from _pytest.python import async_fail, get_direct_param_fixture_func
except ImportError:  # another layout: no test qualifies, pytest's protocol runs them all
    async_fail = get_direct_param_fixture_func = None

PLAIN_MARKS = {"parametrize", "weight", "visibility", "contract"}
PROTOCOL_HOOKS = ("pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown", "pytest_runtest_makereport",
                  "pytest_pyfunc_call", "pytest_fixture_setup", "pytest_fixture_post_finalizer",
                  "pytest_exception_interact")
"""Hooks of the protocol: only pytest's own implementations (and the plugin's) may be registered
for them, not a conftest.py's, since running a test directly calls none of them."""


def qualifies(item: pytest.Item, plugin) -> bool:
    """Whether running ``item`` directly gives what pytest's protocol would."""
    try:
        return _qualifies(item, plugin)
    except AttributeError:  # a pytest whose items look different: stay on its protocol
        return False


def _qualifies(item: pytest.Item, plugin) -> bool:
    if type(item) is not pytest.Function or item.cls is not None or get_direct_param_fixture_func is None:
        return False
    if item.obj.__code__.co_flags & 0x3A0:  # generator, coroutine or async generator
        return False
    if not _only_builtin_hooks(item, plugin):
        return False
    if any(mark.name not in PLAIN_MARKS and mark.name not in plugin.task_markers for mark in item.iter_markers()):
        return False
    info = item._fixtureinfo
    if set(info.initialnames) != set(info.argnames):
        return False  # autouse or usefixtures
    params = item.callspec.params if hasattr(item, "callspec") else {}
    for name in info.names_closure:
        if name == "request":
            continue  # asked for by the plugin's rng only: a suite fixture asking for it fails below
        definitions = info.name2fixturedefs.get(name, ())
        if len(definitions) != 1:
            return False
        definition = definitions[0]
        func = definition.func
        if name in params:
            if func is not get_direct_param_fixture_func:
                return False  # an indirect parameter goes through a fixture of the suite
        elif getattr(func, "__self__", None) is plugin:
            if name not in plugin.FIXTURES:
                return False
        elif not _plain_fixture(definition):
            return False
    return True


def _plain_fixture(definition) -> bool:
    """A suite fixture pytest would just call: function-scoped, not parametrized, a plain function
    (no generator: no teardown), not asking for ``request``."""
    func = definition.func
    return (definition.scope == "function" and definition.params is None and isinstance(func, types.FunctionType)
            and not func.__code__.co_flags & 0x3A0 and "request" not in definition.argnames)


def _only_builtin_hooks(item: pytest.Item, plugin) -> bool:
    for name in PROTOCOL_HOOKS:
        for implementation in getattr(item.ihook, name).get_hookimpls():
            owner = implementation.plugin
            module = owner.__name__ if isinstance(owner, types.ModuleType) else type(owner).__module__
            if owner is not plugin and not module.startswith("_pytest."):
                return False
    return True


def run(item: pytest.Item, plugin) -> None:
    """Call ``item``'s function with its arguments; ``plugin.record`` what it did."""
    plugin.pytest_runtest_setup(item)
    info = item._fixtureinfo
    params = item.callspec.params if hasattr(item, "callspec") else {}
    values: dict = {}

    def value(name: str):
        if name not in values:
            if name in params:
                values[name] = params[name]
            elif name in plugin.FIXTURES and getattr(info.name2fixturedefs[name][0].func, "__self__", None) is plugin:
                values[name] = plugin.fixture_value(name, item)
            else:  # a plain suite fixture: its own fixtures first, as pytest's getfixturevalue does
                definition = info.name2fixturedefs[name][0]
                values[name] = definition.func(**{arg: value(arg) for arg in definition.argnames})
        return values[name]

    try:
        for name in info.names_closure:  # pytest's _fillfixtures: every fixture, in closure order
            if name != "request":
                value(name)
        arguments = {name: values[name] for name in info.argnames}
    except (Exit, KeyboardInterrupt):
        raise
    except BaseException as error:  # noqa: BLE001 - as pytest's setup phase would report it
        plugin.record(item, "setup", error)
        return
    try:
        result = item.obj(**arguments)
        if hasattr(result, "__await__") or hasattr(result, "__aiter__"):
            async_fail(item.nodeid)  # raises, as pytest's pytest_pyfunc_call does
    except (Exit, KeyboardInterrupt):
        raise
    except BaseException as error:  # noqa: BLE001 - pytest.fail, SystemExit...: the test's outcome
        plugin.record(item, "call", error)
        return
    plugin.record(item, "call", None)
