"""Compare every output of a function before failing, and say which ones are wrong and which right.

    expect_each(expect, [("dx", dx, want_dx, {"kind": "gradients"}), ("dgamma", ...), ...])

A test that compares several outputs one after the other stops at the first wrong one, and the
student cannot tell whether the others are right. ``expect_each`` compares them all, then fails
once: each wrong output's own verdict, then the names of the right ones ("dgamma and dbeta are
right"). With one wrong output its named mistake is kept; with several, a mistake is named only
when every wrong output names the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from grader.suite.plugin import GradeFailure


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def expect_each(expect: Callable, comparisons: Iterable[tuple[str, object, object, dict]]) -> None:
    """expect(got, want, name=name, **options) for every comparison; one GradeFailure for all that fail."""
    wrong: list[GradeFailure] = []
    right: list[str] = []
    for name, got, want, options in comparisons:
        try:
            expect(got, want, name=name, **options)
        except GradeFailure as failure:
            wrong.append(failure)
        else:
            right.append(name)
    if not wrong:
        return
    tail = f" ({_names(right)} {'is' if len(right) == 1 else 'are'} right)" if right else ""
    mistakes = {failure.mistake for failure in wrong}
    mistake = mistakes.pop() if len(mistakes) == 1 else ""
    raise GradeFailure("; ".join(str(failure) for failure in wrong) + tail, mistake)
