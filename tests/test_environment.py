"""What the environment that tasks.py builds must (not) hold."""

import subprocess
import sys


def test_reading_a_notebook_does_not_compile_iri_grammars():
    """rfc3987-syntax, if installed, makes `import nbformat` take 2.5 s (pyproject.toml keeps it out)."""
    code = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
