#!/usr/bin/env python3
"""The README's two commands: ``python3 tasks.py main`` and ``python3 tasks.py test``.

Each bootstraps its own virtual environment in ``.venv`` (created on first use, refreshed
when ``pyproject.toml`` changes) with nothing but the Python that runs this file, then runs
the job inside it. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".nn-foundations-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _excluded_packages() -> list[str]:
    """The packages pyproject.toml overrides away with a marker that never holds."""
    import tomllib  # here, not at the top: Python 3.10 must get the version message, not an ImportError

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    overrides = config.get("tool", {}).get("uv", {}).get("override-dependencies", [])
    return [o.partition(";")[0].strip() for o in overrides if 'sys_platform == "never"' in o]


def bootstrap() -> Path:
    """Create or refresh ``.venv`` and return its Python."""
    if sys.version_info < (3, 11):
        sys.exit(f"nn-foundations needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    python = BIN / "python"
    if not python.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        # Links, not copies, of the interpreter: the sandboxed worker runs the base interpreter.
        venv.EnvBuilder(with_pip=True, clear=True, symlinks=os.name != "nt").create(VENV)
    digest = _requirements_digest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        print("installing nn-foundations and its dependencies (uv)", flush=True)
        if not (BIN / "uv").exists():
            _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv")
        # Compiled bytecode up front: every sandboxed worker and notebook kernel imports numpy anew.
        _run(BIN / "uv", "pip", "install", "--quiet", "--compile-bytecode", "--python", python, "-e", ".")
        if excluded := _excluded_packages():  # an older .venv may still have them
            _run(BIN / "uv", "pip", "uninstall", "--quiet", "--python", python, *excluded)
        STAMP.write_text(digest)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"main", "test"}:
        print(__doc__)
        return 2
    python = bootstrap()
    env = {**os.environ, "VIRTUAL_ENV": str(VENV), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    if argv[0] == "test":
        # One pytest worker per core; a file's tests stay together so that its module-scoped
        # fixtures (a built course, a graded batch) are computed once.
        parallel = [] if any(a.startswith("-n") or a == "-p" for a in argv[1:]) else ["-n", "auto", "--dist", "loadfile"]
        cmd = [str(python), "-m", "pytest", *parallel, *argv[1:]]
    else:
        cmd = [str(python), "-m", "grader.cli", "main", *argv[1:]]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
