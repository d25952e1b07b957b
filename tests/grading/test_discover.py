import pytest

from grader.grading.discover import DiscoveryError, discover


def test_nbgrader_tree(tmp_path):
    for student in ("bob", "ada"):
        folder = tmp_path / "submitted" / student / "01_activations"
        folder.mkdir(parents=True)
        (folder / "01_activations.ipynb").write_text("{}")
        (folder / "notes.txt").write_text("x")
    found = discover([tmp_path / "submitted"], "01_activations")
    assert [(s.student, s.path.name) for s in found] == [("ada", "01_activations.ipynb"), ("bob", "01_activations.ipynb")]


def test_flat_folder_and_single_file(tmp_path):
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "cy.py").write_text("")
    (tmp_path / "flat" / "di.ipynb").write_text("{}")
    (tmp_path / "ed.ipynb").write_text("{}")
    found = discover([tmp_path / "flat", tmp_path / "ed.ipynb"], "02_backprop")
    assert [s.student for s in found] == ["cy", "di", "ed"]


@pytest.mark.parametrize("make, words", [
    (lambda p: p / "missing", "no such file"),
    (lambda p: (p / "a.txt").write_text("") or p / "a.txt", "not a submission"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no submissions found"),
])
def test_errors_are_clear(tmp_path, make, words):
    with pytest.raises(DiscoveryError, match=words):
        discover([make(tmp_path)], "01_activations")


def test_duplicate_student_is_an_error(tmp_path):
    (tmp_path / "ada.py").write_text("")
    (tmp_path / "ada.ipynb").write_text("{}")
    with pytest.raises(DiscoveryError, match="two submissions"):
        discover([tmp_path / "ada.py", tmp_path / "ada.ipynb"], "01_activations")
