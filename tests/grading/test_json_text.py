"""The fast indented JSON of records and exports is json.dumps(..., sort_keys=True, indent=2), byte for byte."""

import json
import math

import pytest

from grader.json_text import dumps_indented
from grader.records import SubmissionRecord, TestResult

VALUES = [
    {}, [], (), "", 0, -0.0, 1e-7, 123456789.123, 1e300, math.nan, math.inf, -math.inf, True, False, None,
    {"b": 1, "a": [1, 2.5, "x"], "c": {}, "d": [], "e": {"z": None, "y": [{"k": ()}]}},
    ["é ü ß", "\u202e \x1b[2J \ud800 \\ \" \n\t", "日本語", "😀"],
    [[], [[]], {"": ""}, (1, (2, (3,)))],
    {"big": 2**80, "neg": -5, "bool": [True, False]},
    {1: "int key"}, {"a": 1, None: 2}, {"tuple": (1.5,)},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_same_text_as_the_json_module(value):
    try:
        expected = json.dumps(value, sort_keys=True, indent=2)
    except TypeError:
        with pytest.raises(TypeError):
            dumps_indented(value)
        return
    assert dumps_indented(value) == expected


def test_anything_else_goes_to_the_json_module():
    class Custom(int):
        pass

    assert dumps_indented({"n": Custom(3)}) == json.dumps({"n": Custom(3)}, sort_keys=True, indent=2)
    with pytest.raises(TypeError):
        dumps_indented({"x": object()})


def test_a_record_of_every_kind_of_text():
    tests = tuple(TestResult(name=f"t{i}: \u202e{'ü' * i}", task="f", score=i / 3, max_score=1.0,
                             status="failed", output="line\nnext \x1b \ud800", visibility="hidden",
                             diagnosis="2 times too large") for i in range(20))
    record = SubmissionRecord(student="s\u00e9", assignment="01_x", submission_sha256="0" * 64, submission_file="a.py",
                              status="graded", score=1 / 3, max_score=22.0, tests=tests, problems=("p",),
                              extra={"isolation": "namespace", "suite_problems": ["q"], "n": 3})
    plain = json.loads(record.to_json())
    assert record.to_json() == json.dumps(plain, sort_keys=True, indent=2) + "\n"
