"""``course similarity``: a copied-and-renamed submission among distinct ones comes out on top;
the stubs everyone was given do not count; the report escapes student text; no grade changes."""

import shutil
from pathlib import Path

from typer.testing import CliRunner

from grader.cli import app
from grader.lifecycle.similarity import compare

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).parent / "files" / "similarity"


def test_the_renamed_copy_is_the_top_pair(tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(FILES, subs)
    # a hostile name: must be shown as text in the HTML report
    shutil.move(subs / "dana.py", subs / "<img src=x onerror=alert(1)>.py")
    result = CliRunner().invoke(app, ["similarity", "01_activations", str(subs), "--out", str(tmp_path / "grades"),
                                      "--config", str(ROOT / "course.toml")])
    assert result.exit_code == 0, result.output
    first_line = result.output.splitlines()[0]
    assert "ada ~ eve" in first_line, result.output
    top, second = (int(line.split("%")[0]) for line in result.output.splitlines()[:2])
    assert top >= 80 and second <= 40, result.output
    report = (tmp_path / "grades" / "01_activations" / "similarity" / "similarity.html").read_text()
    assert "<svg" in report and "<mark>" in report and report.index("ada") < report.index("chen")
    assert "<img src=x" not in report and "&lt;img src=x onerror=alert(1)&gt;" in report
    pairs = (tmp_path / "grades" / "01_activations" / "similarity" / "pairs.csv").read_text().splitlines()
    assert pairs[0] == "first,second,score,share_first,share_second" and len(pairs) == 1 + 10
    assert pairs[1].startswith("ada,eve,")
    assert not (tmp_path / "grades" / "gradebook.sqlite").exists()  # it reads no grade and writes none


def test_boilerplate_is_not_similarity():
    stub = 'def f(x):\n    """A long docstring that every student was given, word for word, in the stub."""\n' \
           '    raise NotImplementedError("Task 01.f: implement f")\n'
    codes = {"a": stub + "\nvalue = 1\n", "b": stub + "\nother = 2\n"}
    assert compare(codes, stub)[0].score == 0.0
    assert compare(codes, "")[0].score > 0.5
