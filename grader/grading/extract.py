"""Extract the code to grade from a submission, robust to what students do to notebooks.

    extract_submission(path, *, expected_functions) -> ExtractedSubmission

Steps, in order: read the bytes as UTF-8 text -> cells (a notebook of any nbformat version,
a Jupytext percent ``.py``, or a plain ``.py`` as one module) -> classify each cell by its
metadata -> remove IPython syntax -> keep only definitions from cells nobody marked -> find
where each expected function is defined. Nothing is executed here.

Cell kinds: ``setup`` and ``solution`` cells run as written; ``other`` code cells (added by the
student, or whose metadata was stripped) run reduced to their definitions (imports, def,
class, constant assignments), so a stray training loop never runs; visible checks,
experiments and non-code cells do not run. Problems use 1-based cell numbers.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
RUN_KINDS = ("setup", "solution", "other", "module")
PYTHON_CELL_MAGICS = ("time", "timeit", "capture")
"""Cell magics whose body is plain Python: the magic line is dropped, the body kept."""
_PERCENT_MARKER = re.compile(r"^# %%(\s|$)", re.MULTILINE)
_SHELL_ASSIGNMENT = re.compile(r"^\s*[\w.]+\s*=\s*[!%]")


class SubmissionError(ValueError):
    """The file cannot be read as a submission at all (empty, not UTF-8, not a notebook)."""


@dataclass(frozen=True)
class CodeChunk:
    """One piece of code to run in the worker, in order."""

    cell_index: int
    """Position of the cell in the submission, 0-based, counting every cell (0 for a .py module)."""
    kind: str
    """setup, solution, other (definitions only) or module (a whole plain .py file)."""
    source: str
    """The code, IPython syntax removed; line numbers are those of the cell."""
    grade_id: str | None = None
    """The cell's nbgrader grade_id, if it has one."""


@dataclass
class ExtractedSubmission:
    """What grading needs from one submitted file."""

    path: Path
    """The submitted file."""
    format: str
    """ipynb, py:percent (Jupytext cells) or py (one module)."""
    chunks: list[CodeChunk] = field(default_factory=list)
    """The code to run, in notebook order."""
    functions: dict[str, int] = field(default_factory=dict)
    """Expected function -> cell index of the chunk whose definition wins (the last one)."""
    missing: list[str] = field(default_factory=list)
    """Expected functions that no chunk defines."""
    problems: list[str] = field(default_factory=list)
    """Human-readable notes for the student: what was changed, skipped or not found."""


@dataclass(frozen=True)
class _Cell:
    index: int
    cell_type: str
    source: str
    metadata: dict


# -- reading ------------------------------------------------------------------------------


def read_text(path: Path, max_bytes: int = MAX_SUBMISSION_BYTES) -> str:
    data = path.read_bytes()
    if len(data) > max_bytes:
        raise SubmissionError(f"{path.name} is {len(data)} bytes, more than the {max_bytes} allowed")
    if not data.strip():
        raise SubmissionError(f"{path.name} is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SubmissionError(f"{path.name} is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                              f"{error.start}); save it again from Jupyter") from None


def notebook_cells(text: str, name: str, problems: list[str]) -> list[_Cell]:
    """The cells of a notebook of any nbformat version (older ones are upgraded to v4)."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        where = (f" (line {error.lineno}, column {error.colno}: {error.msg})"
                 if isinstance(error, json.JSONDecodeError) else "")
        raise SubmissionError(f"{name} is not valid JSON{where}; was the notebook saved completely?") from None
    major = data.get("nbformat") if isinstance(data, dict) else None
    if not isinstance(major, int) or isinstance(major, bool):
        raise SubmissionError(f"{name} is not a Jupyter notebook (no nbformat version)")
    if major < 4:
        data = _upgrade(data, name)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise SubmissionError(f"{name} is not a Jupyter notebook (no list of cells)")
    return [_normalize(index, cell, problems) for index, cell in enumerate(cells)]


def _upgrade(data: dict, name: str) -> dict:
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nbformat.convert(nbformat.from_dict(data), 4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many types on malformed input
        version = data.get("nbformat")
        raise SubmissionError(f"{name}: cannot upgrade this nbformat {version} notebook: {error}") from None


def _normalize(index: int, cell, problems: list[str]) -> _Cell:
    if not isinstance(cell, dict):
        problems.append(f"cell {index + 1} is malformed and was ignored")
        return _Cell(index, "malformed", "", {})
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        problems.append(f"cell {index + 1} has malformed source and was ignored")
        source = ""
    metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    return _Cell(index, str(cell.get("cell_type", "")), source, metadata)


def percent_cells(text: str) -> list[_Cell]:
    """The cells of a Jupytext percent-format script (``# %%`` headers carry the metadata)."""
    import jupytext

    notebook = jupytext.reads(text, fmt="py:percent")
    return [_Cell(i, c.cell_type, c.source, dict(c.metadata)) for i, c in enumerate(notebook.cells)]


# -- classifying --------------------------------------------------------------------------


def classify(cell: _Cell) -> tuple[str, str | None]:
    """(kind, grade_id). Kinds: setup, solution, other, check, experiment, or the cell type
    (markdown, raw...) for non-code cells.

    Read, in order: the build's ``metadata.nnf`` (kind, task), the Jupytext header keys
    (setup, solution, check, experiment), then nbgrader's metadata (solution; locked cells
    whose grade_id starts with setup or check)."""
    nbgrader = cell.metadata.get("nbgrader") if isinstance(cell.metadata.get("nbgrader"), dict) else {}
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader.get("grade_id"), str) else None
    nnf = cell.metadata.get("nnf") if isinstance(cell.metadata.get("nnf"), dict) else {}
    task = nnf.get("task") if isinstance(nnf.get("task"), str) else None
    if cell.cell_type != "code":
        return cell.cell_type or "unknown", grade_id
    if nnf.get("kind") in ("setup", "solution", "check", "experiment"):
        return nnf["kind"], grade_id or (task if nnf["kind"] == "solution" else None)
    if cell.metadata.get("experiment"):
        return "experiment", grade_id
    if cell.metadata.get("check"):
        return "check", grade_id
    if nbgrader.get("solution") is True:
        return "solution", grade_id
    jupytext_solution = cell.metadata.get("solution")
    if isinstance(jupytext_solution, str) and jupytext_solution:
        return "solution", grade_id or jupytext_solution.rpartition(":")[2]
    locked_id = grade_id if nbgrader.get("locked") and grade_id else ""
    if cell.metadata.get("setup") is True or locked_id.startswith("setup"):
        return "setup", grade_id
    if locked_id.startswith("check") or nbgrader.get("grade") is True:
        return "check", grade_id  # a visible check, or an nbgrader autograder-test cell
    return "other", grade_id


# -- cleaning -----------------------------------------------------------------------------


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


_IPYTHON_CALL = re.compile(r"^(\w+\s*=\s*)?get_ipython\(\)")


def strip_ipython(source: str, where: str) -> tuple[str, list[str]]:
    """Source without IPython syntax, and a problem per removal. Removed lines become
    ``pass`` (same indentation) so line numbers and blocks survive. Valid Python is untouched."""
    problems = []
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = (lines[first].lstrip()[2:].split() or [""])[0]
        if magic not in PYTHON_CELL_MAGICS:
            return "", [f"{where} is a %%{magic} cell magic; it is not run"]
        lines[first] = ""
        problems.append(f"cell magic %%{magic} removed at {where}")
        source = "\n".join(lines)
    lines = source.splitlines()
    changed = False
    for number, line in enumerate(lines):
        # Kernel hooks (input transformers, events, run_line_magic) exist only in IPython;
        # the worker never provides get_ipython, so the statement is dropped, not failed on.
        stripped = line.lstrip()
        if _IPYTHON_CALL.match(stripped):
            lines[number] = line[: len(line) - len(stripped)] + "pass"
            problems.append(f"IPython call removed at {where}, line {number + 1}: {stripped[:60]}")
            changed = True
    if changed:
        source = "\n".join(lines) + "\n"
    if _parses(source):
        return source, problems
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("!") or _SHELL_ASSIGNMENT.match(line):
            what = "shell escape"
        elif stripped.startswith("%"):
            what = "IPython magic"
        else:
            continue
        lines[number] = line[: len(line) - len(stripped)] + "pass"
        problems.append(f"{what} removed at {where}, line {number + 1}: {stripped[:60]}")
    return "\n".join(lines), problems


_CONSTANT_NODES = (ast.Constant, ast.Name, ast.Attribute, ast.Load, ast.UnaryOp, ast.BinOp, ast.Tuple,
                   ast.List, ast.Dict, ast.Set, ast.unaryop, ast.operator)


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return isinstance(node.value, ast.Lambda) or all(isinstance(n, _CONSTANT_NODES) for n in ast.walk(node.value))
    return False


def keep_definitions(source: str) -> tuple[str, int]:
    """Only the top-level definitions of ``source`` (other lines blanked, so line numbers
    stay), and how many statements were dropped. Unparsable source gives ("", 0)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "", 0
    lines = source.splitlines()
    keep = [False] * len(lines)
    spans = [(_first_line(node), node.end_lineno, _is_definition(node)) for node in tree.body]
    for start, end, kept in spans:
        if kept:
            keep[start - 1: end] = [True] * (end - start + 1)
    dropped = sum(not kept for *_, kept in spans)
    shares_line = any(not kept and any(keep[start - 1: end]) for start, end, kept in spans)
    if shares_line:  # e.g. "import numpy as np; train()": rebuild from the tree instead
        module = ast.Module(body=[n for n in tree.body if _is_definition(n)], type_ignores=[])
        return ast.unparse(module), dropped
    return "\n".join(line if kept else "" for line, kept in zip(lines, keep)), dropped


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decorators])


def defined_names(source: str) -> set[str]:
    """Names bound at the top level of ``source`` (a regex on ``def``/``class`` if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(re.findall(r"^(?:async\s+)?(?:def|class)\s+(\w+)", source, re.MULTILINE))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def select_functions(source: str, names: set[str]) -> str:
    """Only the top-level ``def``s of ``names`` in ``source``, other lines blanked ("" if none)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ""
    lines = source.splitlines()
    keep = [False] * len(lines)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            keep[_first_line(node) - 1: node.end_lineno] = [True] * (node.end_lineno - _first_line(node) + 1)
    return "\n".join(line if kept else "" for line, kept in zip(lines, keep)) if any(keep) else ""


# -- the pipeline -------------------------------------------------------------------------


def extract_submission(path: str | Path, *, expected_functions: list[str]) -> ExtractedSubmission:
    """The chunks to run, where each expected function is defined, and the problems found.

    Raises SubmissionError when the file cannot be read as a submission at all.
    """
    path = Path(path)
    text = read_text(path)
    problems: list[str] = []
    if path.suffix == ".ipynb" or (path.suffix != ".py" and text.lstrip().startswith("{")):
        result = ExtractedSubmission(path, "ipynb", problems=problems)
        cells = notebook_cells(text, path.name, problems)
    elif path.suffix == ".py":
        if not _PERCENT_MARKER.search(text):
            return _plain_module(path, text, expected_functions)
        result = ExtractedSubmission(path, "py:percent", problems=problems)
        cells = percent_cells(text)
    else:
        raise SubmissionError(f"{path.name}: expected a .ipynb notebook or a .py file")
    _collect_chunks(result, cells, expected_functions)
    _locate_functions(result, cells, expected_functions)
    return result


def _plain_module(path: Path, text: str, expected: list[str]) -> ExtractedSubmission:
    source, problems = strip_ipython(text, path.name)
    result = ExtractedSubmission(path, "py", [CodeChunk(0, "module", source)], problems=problems)
    names = defined_names(source)
    result.functions = {name: 0 for name in expected if name in names}
    result.missing = [name for name in expected if name not in names]
    result.problems += [f"{name}: no definition found in {path.name}" for name in result.missing]
    return result


def _collect_chunks(result: ExtractedSubmission, cells: list[_Cell], expected: list[str]) -> None:
    seen_ids: dict[str, list[int]] = {}
    for cell in cells:
        kind, grade_id = classify(cell)
        if kind not in RUN_KINDS:
            continue
        where = f"cell {cell.index + 1}"
        source, problems = strip_ipython(cell.source, where)
        result.problems += problems
        if kind == "other" and set(expected) & defined_names(source):
            kind = "solution"  # metadata stripped or a cell added: the def is what matters
        if kind == "other":
            reduced, dropped = keep_definitions(source)
            if not reduced.strip() and source.strip() and not _parses(source):
                result.problems.append(f"{where} has a syntax error and is not a graded cell; it is not run")
            elif dropped:
                result.problems.append(f"{where}: only its definitions are run ({dropped} other statement(s) skipped)")
            source = reduced
        if not source.strip():
            continue
        if kind == "solution" and grade_id:
            seen_ids.setdefault(grade_id, []).append(cell.index)
        result.chunks.append(CodeChunk(cell.index, kind, source, grade_id))
    for grade_id, indices in seen_ids.items():
        if len(indices) > 1:
            cells_text = ", ".join(str(i + 1) for i in indices)
            result.problems.append(f"grade_id {grade_id!r} is used by cells {cells_text}; all run in order, "
                                   f"so the last definition wins")


def _locate_functions(result: ExtractedSubmission, cells: list[_Cell], expected: list[str]) -> None:
    defined_in: dict[str, list[int]] = {}
    for chunk in result.chunks:
        for name in defined_names(chunk.source) & set(expected):
            defined_in.setdefault(name, []).append(chunk.cell_index)
    for name, index in _rescue(result, cells, [n for n in expected if n not in defined_in]).items():
        defined_in[name] = [index]
    result.chunks.sort(key=lambda chunk: chunk.cell_index)
    for name in expected:
        places = defined_in.get(name)
        if not places:
            result.missing.append(name)
            result.problems.append(_not_found(name, cells))
            continue
        result.functions[name] = places[-1]
        if len(places) > 1:
            result.problems.append(f"{name} is defined in cells {', '.join(str(i + 1) for i in places)}; "
                                   f"the last definition (cell {places[-1] + 1}) is used")


def _rescue(result: ExtractedSubmission, cells: list[_Cell], names: list[str]) -> dict[str, int]:
    """Defs written in check or experiment cells (which never run): run just those defs.
    Returns name -> cell index for each function rescued (the last cell defining it)."""
    found: dict[str, int] = {}
    for cell in reversed(cells):
        kind, grade_id = classify(cell)
        wanted = {n for n in names if n not in found}
        if kind not in ("check", "experiment") or not wanted:
            continue
        source = strip_ipython(cell.source, f"cell {cell.index + 1}")[0]
        here = wanted & defined_names(select_functions(source, wanted))
        if not here:
            continue
        result.chunks.append(CodeChunk(cell.index, "solution", select_functions(source, here), grade_id))
        for name in sorted(here):
            found[name] = cell.index
            label = "a visible-check" if kind == "check" else "an experiment"
            result.problems.append(f"{name} was found in cell {cell.index + 1}, {label} cell that is not run "
                                   f"when grading; only its def is used")
    return found


def _not_found(name: str, cells: list[_Cell]) -> str:
    pattern = re.compile(rf"\bdef\s+{re.escape(name)}\s*\(")
    for cell in cells:
        if cell.cell_type != "code" and pattern.search(cell.source):
            return (f"{name} is defined in cell {cell.index + 1}, which is a {cell.cell_type} cell and is not run; "
                    f"change it back to a code cell")
    return f"{name}: no definition found (was the cell deleted, or the function renamed?)"
