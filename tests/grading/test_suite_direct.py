"""Hidden tests run directly (grader/suite/direct.py) give exactly what pytest's own protocol
gives (a session with direct=False), whatever they do; a suite using anything the direct run
does not do runs through pytest."""

import textwrap

import numpy as np
import pytest

from grader.suite.session import SuiteSession
from grader.worker.client import StudentException
from tests.grading.tiny_suite import tiny_context

BEHAVIOURS = '''
import numpy as np
import pytest


@pytest.mark.task07_double
@pytest.mark.parametrize("n", [1, 3], ids=["one", "three"])
def test_values(student, ref, rng, expect, n):
    """Doubles a random vector."""
    x = rng.standard_normal(n)
    expect(student.double(x), ref.double(x), name="out")


@pytest.mark.task07_double
@pytest.mark.weight(2)
def test_assert_with_a_message(student):
    assert student.double(np.ones(2)).sum() == 4.0, "the sum is off"


@pytest.mark.task07_double
def test_bare_assert(student):
    assert student.double(np.ones(2)).sum() == 4.0


@pytest.mark.task07_double
def test_expected_exception(student):
    with pytest.raises(ValueError):
        student.double("not an array")


@pytest.mark.task07_negate
def test_fail(student):
    if student.negate(np.ones(1))[0] != -1:
        pytest.fail("negate does not negate")


@pytest.mark.task07_negate
def test_skip_in_the_body(student):
    pytest.skip("not today")


@pytest.mark.task07_negate
def test_system_exit(student):
    raise SystemExit(3)


@pytest.mark.task07_negate
@pytest.mark.visibility("hidden")
@pytest.mark.contract("no_mutation")
def test_hidden_contract(student, rng, expect):
    x = rng.standard_normal(2)
    expect(student.negate(x), -x)
'''


def _double_checking(x):
    if isinstance(x, str):
        raise ValueError("not an array")
    return 2 * x


def _raises(*args):
    raise StudentException("ZeroDivisionError", "division by zero")


SUBMISSIONS = {
    "correct": {"double": _double_checking, "negate": np.negative},
    "wrong": {"double": lambda x: 3 * x, "negate": lambda x: x},
    "raising": {"double": _raises, "negate": _raises},
    "mutating": {"double": _double_checking, "negate": np.negative},
    "empty": {},
}


def _suite(tmp_path, source: str, conftest: str = ""):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_behaviours.py").write_text(textwrap.dedent(source))
    if conftest:
        (tmp_path / "tests" / "conftest.py").write_text(textwrap.dedent(conftest))
    (tmp_path / "tiny_ref.py").write_text("def double(x):\n    return 2 * x\n\ndef negate(x):\n    return -x\n")
    return tmp_path / "tests"


def _through_pytest(suite, context):
    """What pytest's own protocol gives: the reference the direct run must equal."""
    session = SuiteSession(suite, context, direct=False)
    try:
        assert not session._plugin.direct
        return session.run(context)
    finally:
        session.close()


def _context(name: str):
    context = tiny_context(SUBMISSIONS[name], seed=name)
    if name == "mutating":  # the worker reports that every call changed its first argument
        import dataclasses

        context = dataclasses.replace(context, last_mutated=lambda: ["argument 1"])
    return context


@pytest.fixture
def suite(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    return _suite(tmp_path, BEHAVIOURS)


def test_every_behaviour_gives_what_pytest_gives(suite):
    session = SuiteSession(suite, _context("correct"))
    try:
        for name in ["correct", "wrong", "raising", "mutating", "empty", "correct"]:
            assert session.run(_context(name)) == _through_pytest(suite, _context(name)), name
        assert session._plugin.direct
        statuses = {r.name: r.status for r in session.run(_context("correct"))[0]}
    finally:
        session.close()
    assert statuses["double: Doubles a random vector [one]"] == "passed"
    assert statuses["negate: skip in the body"] != "passed" and statuses["negate: system exit"] != "passed"


@pytest.mark.parametrize("extra", [
    "@pytest.mark.skip(reason='later')",
    "@pytest.mark.xfail",
    "@pytest.mark.usefixtures('tmp_path')",
], ids=["skip", "xfail", "usefixtures"])
def test_a_mark_the_direct_run_does_not_do_keeps_pytest(tmp_path, monkeypatch, extra):
    monkeypatch.syspath_prepend(str(tmp_path))
    source = BEHAVIOURS.replace("@pytest.mark.task07_double\ndef test_bare_assert", f"{extra}\n@pytest.mark.task07_double\ndef test_bare_assert")
    suite = _suite(tmp_path, source)
    session = SuiteSession(suite, _context("correct"))
    try:
        assert session.run(_context("wrong")) == _through_pytest(suite, _context("wrong"))
        assert not session._plugin.direct
    finally:
        session.close()


PLAIN_FIXTURES = '''
import pytest


@pytest.fixture
def noise(rng):
    """Draws from the test's rng before the test does: the order of fixtures shows in the values."""
    return rng.standard_normal(2)


@pytest.fixture
def shifted(noise, expect):
    def check(got, want):
        expect(got + noise, want + noise)
    return check
'''

USES_PLAIN_FIXTURES = '''
import numpy as np
import pytest


@pytest.mark.task07_double
@pytest.mark.parametrize("n", [2, 5])
def test_with_suite_fixtures(student, shifted, rng, n):
    x = rng.standard_normal(n)
    shifted(student.double(x), 2 * x)
'''


def test_plain_fixtures_of_the_suite_run_directly_in_pytest_order(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    suite = _suite(tmp_path, BEHAVIOURS + USES_PLAIN_FIXTURES, PLAIN_FIXTURES)
    session = SuiteSession(suite, _context("correct"))
    try:
        for name in ["correct", "wrong", "raising", "empty"]:
            assert session.run(_context(name)) == _through_pytest(suite, _context(name)), name
        assert session._plugin.direct
    finally:
        session.close()


USES_EXTRA = '''

@pytest.mark.task07_negate
def test_with_extra(student, extra):
    assert student.negate(np.ones(extra)).sum() == -extra, "negate is off"
'''


@pytest.mark.parametrize("conftest", [
    "import pytest\n\n@pytest.fixture\ndef rng():\n    import numpy as np\n    return np.random.default_rng(0)\n",
    "def pytest_runtest_setup(item):\n    item.config._noted = True\n",
    "import pytest\n\n@pytest.fixture(autouse=True)\ndef announce():\n    return None\n",
    "import pytest\n\n@pytest.fixture\ndef extra():\n    yield 1\n",
    "import pytest\n\n@pytest.fixture(scope='module')\ndef extra():\n    return 1\n",
    "import pytest\n\n@pytest.fixture\ndef extra(request):\n    return 1\n",
    "import pytest\n\n@pytest.fixture(params=[1, 2])\ndef extra(request):\n    return request.param\n",
], ids=["overridden fixture", "hook", "autouse fixture", "yield fixture", "module fixture", "asks for request",
        "parametrized fixture"])
def test_a_conftest_that_takes_part_keeps_pytest(tmp_path, monkeypatch, conftest):
    monkeypatch.syspath_prepend(str(tmp_path))
    suite = _suite(tmp_path, BEHAVIOURS + (USES_EXTRA if "def extra" in conftest else ""), conftest)
    session = SuiteSession(suite, _context("correct"))
    try:
        assert session.run(_context("correct")) == _through_pytest(suite, _context("correct"))
        assert not session._plugin.direct
    finally:
        session.close()
