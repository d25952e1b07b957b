"""Small builders shared by the step tests: a source text -> a classified notebook."""

from __future__ import annotations

from pathlib import Path

from grader.build.classify import classify_cells
from grader.build.source import read_source


def write_source(tmp_path: Path, text: str, name: str = "01_toy.py") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def classified(tmp_path: Path, text: str):
    return classify_cells(read_source(write_source(tmp_path, text)))


TOY_SOURCE = '''\
# %% [markdown]
# Some text.

# %% setup=true
import numpy as np

# %% solution="toyref:cube_forward"

# %% check="cube_forward"
check_outputs("cube_forward", cube_forward)

# %% solution="toyref:cube_backward"

# %% experiment=true
print(1)
'''


def release_texts(release_dir: Path) -> dict[str, str]:
    """Every released text, code as Python sees it: notebook cell sources, .py files."""
    import nbformat

    texts = {}
    for path in sorted(release_dir.rglob("*")):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            texts[path.name] = "\n".join(cell.source for cell in nb.cells)
        elif path.suffix == ".py":
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def reference_leaks(release_dir: Path, references) -> list[str]:
    """Reference body lines (substantial ones: 20+ characters, not comments, not also in a
    docstring, which students get on purpose) found in a release, and whole bodies; empty when
    nothing leaked."""
    def flat(text: str) -> str:
        return "\n".join(line.strip() for line in text.splitlines())

    texts = {name: flat(text) for name, text in release_texts(release_dir).items()}
    public = flat("\n".join(ref.header for ref in references))
    leaks = []
    for ref in references:
        lines = [line.strip() for line in ref.body.splitlines()]
        probes = [line for line in lines if len(line) >= 20 and not line.startswith("#") and line not in public]
        probes.append("\n".join(line for line in lines if line))
        for probe in probes:
            for name, text in texts.items():
                if probe in text:
                    leaks.append(f"{name}: {ref.path}: {probe!r}")
    return leaks
