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


# Hand-out text as students get it: 08_model_selection's setup-cell helper (copied on purpose,
# as every student's notebook holds it) and a stub's signature and docstring.
GIVEN = '''import numpy as np


def ridge_scorer(metric="neg_mse"):
    def features(x, degree):
        x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return np.hstack([np.ones((len(x), 1))] + [x**p for p in range(1, degree + 1)])

    def fit_predict_score(x_train, y_train, x_val, y_val, alpha=1.0, degree=1):
        f_train = features(x_train, degree)
        gram = f_train.T @ f_train + alpha * np.eye(f_train.shape[1])
        w = np.linalg.solve(gram, f_train.T @ np.asarray(y_train, dtype=np.float64))
        pred = features(x_val, degree) @ w
        mse = float(np.mean((pred - y_val) ** 2))
        return mse if metric == "mse" else -mse

    return fit_predict_score


def kfold(n_samples, n_splits):
    """Sizes of the K folds: the first n_samples % n_splits folds get one sample more."""
'''


def test_boilerplate_is_not_similarity():
    """Two students who kept the hand-out's helper and stub signature but wrote their own bodies."""
    handout = GIVEN + '    raise NotImplementedError("Task 08.kfold: implement kfold")\n'
    codes = {"a": GIVEN + "    sizes = []\n    for fold in range(n_splits):\n"
                          "        sizes.append(n_samples // n_splits + (1 if fold < n_samples % n_splits else 0))\n"
                          "    return sizes\n",
             "b": GIVEN + "    base, extra = divmod(n_samples, n_splits)\n"
                          "    return [base + int(i < extra) for i in range(n_splits)]\n"}
    assert compare(codes, handout)[0].score < 0.1
    assert compare(codes, "")[0].score > 0.7  # the hand-out alone would make them look copied
