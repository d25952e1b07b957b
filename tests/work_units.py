"""How ``--dist loadfile`` (tasks.py) cuts the suite into work units for the pytest-xdist workers.

One test file is one unit, so a file's module-scoped fixtures (a built course, a graded batch)
are computed once. The exception is a file whose cases are slow and independent per assignment,
the self-test of every hidden suite: one unit per file would run every assignment's cases on
the same worker, one after the other, while the other worker idles. Its parameter ids start
with the assignment's slug (``test_x[03_mlp/mutant:...]``), and each assignment is a unit.

    work_unit(nodeid) -> str        the unit a test belongs to
    SplitLoadFileScheduling         xdist's LoadFileScheduling with that rule (tests/conftest.py)
"""

from __future__ import annotations

from xdist.scheduler import LoadFileScheduling

BY_ASSIGNMENT = frozenset({"tests/selftest/test_hidden_suites.py"})
"""Files (relative to the repository) whose cases form one work unit per assignment."""


def work_unit(nodeid: str) -> str:
    """The file of ``nodeid``; for a file of BY_ASSIGNMENT, the file and the assignment (the
    parameter id up to its first ``/``)."""
    file, _, test = nodeid.partition("::")
    if file not in BY_ASSIGNMENT:
        return file
    slug = test.partition("[")[2].partition("/")[0]
    return f"{file}::{slug}" if slug else file


class SplitLoadFileScheduling(LoadFileScheduling):
    """``--dist loadfile`` whose units are ``work_unit``'s."""

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)
