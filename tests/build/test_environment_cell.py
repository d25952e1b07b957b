"""The environment cell: first, locked by kind, one line per problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from grader.build.cells import info
from grader.build.environment_cell import add_environment_cell, environment_source
from grader.build.requirements import Requirement

NUMPY = Requirement("numpy", "1.26", "numpy")


def _run(source: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", source], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_cell_comes_first_as_a_check_with_the_environment_role(toy_cells):
    nb = add_environment_cell(toy_cells, requirements=[NUMPY])
    assert info(nb.cells[0]) == {"kind": "check", "role": "environment", "line": 0}
    assert nb.cells[1:] == toy_cells.cells


def test_all_present_is_one_ok_line(tmp_path):
    (tmp_path / "nnf_checks.py").write_text("")
    (tmp_path / "expected.npz").write_bytes(b"")
    result = _run(environment_source([NUMPY]), tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Environment OK: Python ")
    assert "numpy " in lines[0] and lines[0].endswith("nnf_checks.py and expected.npz found.")


def test_each_problem_is_one_line_with_the_install_command(tmp_path):
    (tmp_path / "nnf_checks.py").write_text("")
    wanted = [Requirement("no-such-package-nnf", "1.0", "nosuch"), Requirement("numpy", "999.0", "numpy")]
    result = _run(environment_source(wanted), tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        'PROBLEM: no-such-package-nnf is missing: run  %pip install "no-such-package-nnf>=1.0"  in a new cell, '
        'then restart the kernel (Kernel > Restart Kernel)',
        f'PROBLEM: numpy {__import__("numpy").__version__} is too old: run  %pip install "numpy>=999.0"  in a new '
        f'cell, then restart the kernel (Kernel > Restart Kernel)',
        "PROBLEM: expected.npz is missing next to this notebook: open the notebook inside its release folder, "
        "which holds nnf_checks.py and expected.npz",
    ]


def test_an_old_python_is_named(tmp_path):
    source = environment_source([]).replace("(3, 11)", "(99, 0)")
    result = _run(source, tmp_path)
    assert result.stdout.splitlines()[0].startswith(f"PROBLEM: Python {sys.version.split()[0]} is too old: "
                                                    f"this notebook needs Python 99.0 or newer")


def test_the_cell_leaves_no_names_behind():
    namespace: dict = {}
    exec(environment_source([NUMPY]), namespace)
    assert [name for name in namespace if not name.startswith("__")] == []
