"""The students' zip: every file of the built release plus a README, the same bytes every time."""

import io
import zipfile
from pathlib import Path

from grader.config import load_course
from grader.lifecycle.release import release_zip

ROOT = Path(__file__).resolve().parents[2]
SLUG = "01_activations"


def fake_release(folder: Path, *, requirements: bool) -> Path:
    folder.mkdir(parents=True)
    for name in (f"{SLUG}.ipynb", "nnf_checks.py", "expected.npz", ".ipynb_checkpoints"):
        (folder / name).write_bytes(b"x")
    if requirements:
        (folder / "requirements.txt").write_text("numpy>=1.26\n")
    return folder


def test_zip_holds_the_release_and_a_readme(tmp_path):
    course = load_course(ROOT / "course.toml")
    folder = fake_release(tmp_path / "with", requirements=True)
    data = release_zip(course, SLUG, folder)
    assert release_zip(course, SLUG, folder) == data
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [f"{SLUG}/{n}" for n in
                                  ("01_activations.ipynb", "README.md", "expected.npz", "nnf_checks.py", "requirements.txt")]
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    readme = archive.read(f"{SLUG}/README.md").decode()
    assert readme.startswith("# Activation functions and their derivatives")
    assert "`python -m pip install -r requirements.txt`" in readme and "2026-10-05 23:59+02:00" in readme
    without = zipfile.ZipFile(io.BytesIO(release_zip(course, SLUG, fake_release(tmp_path / "without", requirements=False))))
    assert "requirements.txt" not in without.read(f"{SLUG}/README.md").decode().split("How to work")[1].split("\n")[2]
