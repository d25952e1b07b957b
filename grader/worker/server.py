"""The worker: runs a submission's code and serves calls to its functions, inside the sandbox.

    python -I -S -B server.py --in FD --out FD [--path DIR ...]

Requests (grader -> worker) and replies travel as ``protocol`` frames on the two pipe fds,
never on stdout, so nothing the student prints can corrupt them:

    setup {chunks: [{index, label, source}], output_chars, reply_limits}
          -> {event: "chunk", phase: "start", index} and {... phase: "done", error, stdout,
             stderr} per chunk, then {event: "ready"}
    call  {name} + values {args, kwargs} -> {status: ok | raised | missing | unencodable,
          error, stdout, stderr, mutated, warnings} + values {result}
    release {ids} -> {status: ok}
    a request the worker cannot decode (e.g. a released handle) -> {status: bad_request, error}

A call runs with NumPy's default floating-point error handling (overflow, division by zero
and invalid values warn) whatever the submission set at module level, and reports the warnings
it emitted (``warnings``: category, message, cell and line, the first few distinct ones): "no
warnings on valid input" is part of a graded function's contract. Deprecation warnings are left
out: they depend on the library versions, not on the student's numerics.

This file runs as a copy shipped next to ``protocol.py`` and imports only the standard
library and NumPy: nothing from ``grader`` or ``reference``.

    python -I -S -B server.py --template FD [--namespaces] [--path DIR]... [--preload MODULE]...

runs the worker template instead (``zygote.py``): it imports NumPy and the preloads once and
forks a worker per submission, each of which runs ``serve`` as a started server would.
"""

from __future__ import annotations

import builtins
import importlib.util
import io
import json
import linecache
import os
import sys
import traceback
import types
import warnings
from pathlib import Path

_MESSAGE_CHARS = 2000
_MAX_WARNINGS = 5
_VERSION_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)


_protocol = None


def _load_protocol():
    """protocol.py as a module, loaded once (a forked worker finds its template's)."""
    global _protocol
    if _protocol is None:
        _protocol = _import_protocol()
    return _protocol


def _import_protocol():
    path = Path(__file__).with_name("protocol.py")
    spec = importlib.util.spec_from_file_location("nnf_worker_protocol", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building classes
    spec.loader.exec_module(module)
    return module


class CappedText(io.TextIOBase):
    """A text stream keeping the first ``cap`` characters and counting the rest."""

    def __init__(self, cap: int):
        self.cap = cap
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.kept.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self) -> str:
        text = "".join(self.kept)
        return text + (f"\n[... {self.dropped} more characters not shown]" if self.dropped else "")


def _text(call, fallback: str) -> str:
    """str() of a student's object, which may itself raise."""
    try:
        return str(call())[:_MESSAGE_CHARS]
    except BaseException:  # noqa: BLE001 - the student's __str__ may raise anything
        return fallback


def error_summary(error: BaseException, labels: dict[str, int]) -> dict:
    """Type, message and the innermost place in the submission's own cells: no traceback wall."""
    summary = {"type": _text(lambda: type(error).__qualname__, "Exception")[:200],
               "message": _text(lambda: error, "<unprintable message>"), "cell": None, "line": None}
    if isinstance(error, SyntaxError) and error.filename in labels:
        summary["cell"], summary["line"] = labels[error.filename], error.lineno
        summary["where"] = error.filename.strip("<>")
        summary["message"] = _text(lambda: error.msg, "invalid syntax")
        return summary
    for frame, line in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename in labels:
            summary["cell"], summary["line"] = labels[frame.f_code.co_filename], line
            summary["where"] = frame.f_code.co_filename.strip("<>")
    return summary


def warning_summary(message, category, filename, lineno, labels: dict[str, int]) -> dict | None:
    """{category, message, cell, line} of a warning (cell and line when it points into the
    submission's own cells); None for the deprecation family, which says nothing about the
    student's numerics."""
    try:
        if isinstance(category, type) and issubclass(category, _VERSION_WARNINGS):
            return None
    except Exception:  # noqa: BLE001 - a student's category class may misbehave
        pass
    cell = labels.get(filename) if isinstance(filename, str) else None
    return {"category": _text(lambda: category.__name__, "Warning")[:100],
            "message": _text(lambda: message, "<unprintable message>")[:300],
            "cell": cell, "line": lineno if cell is not None and type(lineno) is int else None,
            "where": filename.strip("<>") if cell is not None else None}


def _with_default_errstate(function, args, kwargs):
    """function(*args, **kwargs) under NumPy's default floating-point error handling: a
    submission's module-level ``np.seterr(all="ignore")`` does not hide an overflow (an
    ``np.errstate`` inside the function, deliberate handling of a known case, still does)."""
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return function(*args, **kwargs)
    with numpy.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
        return function(*args, **kwargs)


def _array_arguments(args, kwargs, *, copy: bool) -> dict:
    """label -> array, for every array anywhere in the call's arguments: at the top level, inside
    lists, tuples and dicts (nested), and among an object's attributes (``argument 2.w``)."""
    import numpy as np

    found: dict = {}
    seen: set = set()

    def visit(label, value, depth):
        try:
            look(label, value, depth)
        except Exception:  # noqa: BLE001 - a student's object that misbehaves when looked at is skipped
            pass

    def look(label, value, depth):
        if type(value) is np.ndarray:
            found[label] = value.copy() if copy else value
            return
        if depth >= _MAX_ARGUMENT_DEPTH or id(value) in seen or len(found) >= _MAX_ARGUMENT_ARRAYS:
            return
        seen.add(id(value))
        if isinstance(value, (list, tuple)):
            for j, item in enumerate(value[:_MAX_ARGUMENT_ARRAYS]):
                visit(f"{label}[{j}]", item, depth + 1)
        elif isinstance(value, dict):
            for key in list(value)[:_MAX_ARGUMENT_ARRAYS]:
                visit(f"{label}[{key!r}]", value[key], depth + 1)
        elif not isinstance(value, (str, bytes, int, float, complex, type(None))):
            attributes = getattr(value, "__dict__", None)
            if type(attributes) is dict:
                for key in list(attributes)[:_MAX_ARGUMENT_ARRAYS]:
                    visit(f"{label}.{key}", attributes[key], depth + 1)

    for label, value in [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items()):
        visit(label, value, 0)
    return found


_MAX_ARGUMENT_DEPTH = 4
_MAX_ARGUMENT_ARRAYS = 256


def _same(old, new) -> bool:
    import numpy as np

    if new is None or old.shape != new.shape:
        return False
    if old.dtype == new.dtype and old.tobytes() == new.tobytes():  # the usual case, at memcmp speed
        return True
    return bool(np.array_equal(old, new, equal_nan=old.dtype.kind in "fc"))  # -0.0 is still 0.0


class Server:
    """The worker's state: the submission module, stored handles and the two pipe ends."""

    def __init__(self, protocol, read_fd: int, write_fd: int):
        self.p = protocol
        self.read_fd, self.write_fd = read_fd, write_fd
        self.limits = protocol.ProtocolLimits()
        self.reader = protocol.FrameReader(self.limits)
        self.request_limits = protocol.ProtocolLimits()  # what the worker accepts from the grader
        self.module = types.ModuleType("submission")
        sys.modules["submission"] = self.module
        self.labels: dict[str, int] = {}
        self.handles: dict[int, object] = {}
        self.next_handle = 0
        self.output_chars = 0  # per stream; the setup request says how many (Limits.stream_chars)
        # The server's own code needs the real builtins: a submission that rebinds
        # builtins.isinstance must not break the grading of its other, correct functions.
        self.builtins = dict(builtins.__dict__)

    # -- plumbing ------------------------------------------------------------------------
    def send(self, message: dict, values: dict | None = None) -> None:
        try:
            data = self.p.pack(message, values, limits=self.limits, store=self.store)
        except BaseException as error:  # noqa: BLE001 - encoding may run student code (array subclasses)
            reply = {key: message[key] for key in ("stdout", "stderr") if key in message}
            reply.update(status="unencodable", error={"type": type(error).__name__, "message": str(error)[:500],
                                                       "cell": None, "line": None})
            data = self.p.pack(reply, limits=self.limits)
        self.p.write_all_blocking(self.write_fd, data)

    def store(self, value) -> object:
        self.next_handle += 1
        key = self.next_handle
        self.handles[key] = value
        return self.p.Handle(key, _text(lambda: type(value).__name__, "object")[:100])

    def resolve(self, key: int, _type_name: str):
        if key not in self.handles:
            raise self.p.ProtocolError(f"no stored object with handle {key} (released, or from an earlier worker)")
        return self.handles[key]

    def run_captured(self, action, caught: list | None = None):
        """(result, error, stdout, stderr) of ``action()``; warnings print to the captured stderr,
        and each distinct one (as ``warning_summary`` gives it) is appended to ``caught``."""
        out, err = CappedText(self.output_chars), CappedText(self.output_chars)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        result = error = None
        show = warnings.showwarning

        def shown(message, category, filename, lineno, file=None, line=None):
            if caught is not None and len(caught) < _MAX_WARNINGS:
                summary = warning_summary(message, category, filename, lineno, self.labels)
                if summary is not None and summary not in caught:
                    caught.append(summary)
            show(message, category, filename, lineno, file, line)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default")  # once per place and message, as Python's default
                warnings.showwarning = shown
                result = action()
        except BaseException as caught:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: the student's
            error = caught
        finally:
            sys.stdout, sys.stderr = saved
            if builtins.__dict__ != self.builtins:
                builtins.__dict__.clear()
                builtins.__dict__.update(self.builtins)
        return result, error, out.value(), err.value()

    # -- requests ------------------------------------------------------------------------
    def setup(self, message: dict) -> None:
        self.output_chars = int(message["output_chars"])
        if isinstance(message.get("reply_limits"), dict):
            self.limits = self.p.ProtocolLimits(**message["reply_limits"])
        for chunk in message["chunks"]:
            index, label = chunk["index"], chunk["label"]
            filename = f"<{label}>"
            self.labels[filename] = index
            linecache.cache[filename] = (len(chunk["source"]), None, chunk["source"].splitlines(True), filename)
            self.send({"event": "chunk", "phase": "start", "index": index})

            def run(source=chunk["source"], filename=filename):
                exec(compile(source, filename, "exec", dont_inherit=True), self.module.__dict__)

            _, error, out, err = self.run_captured(run)
            summary = error_summary(error, self.labels) if error is not None else None
            self.send({"event": "chunk", "phase": "done", "index": index, "error": summary,
                       "stdout": out, "stderr": err})
        self.send({"event": "ready"})

    def call(self, message: dict, values: dict) -> None:
        name = message["name"]
        function = self.module.__dict__.get(name)
        if function is None or not callable(function):
            found = "is not defined" if function is None else f"is a {type(function).__name__}, not a function"
            self.send({"status": "missing", "error": {"type": "MissingFunction", "message": f"{name} {found}",
                                                      "cell": None, "line": None}})
            return
        args, kwargs = values.get("args", ()), values.get("kwargs", {})
        before = _array_arguments(args, kwargs, copy=True)
        caught: list = []
        result, error, out, err = self.run_captured(lambda: _with_default_errstate(function, args, kwargs), caught)
        if error is not None:
            self.send({"status": "raised", "error": error_summary(error, self.labels), "stdout": out, "stderr": err,
                       "warnings": caught})
        else:
            after = _array_arguments(args, kwargs, copy=False)
            mutated = [label for label, old in before.items() if not _same(old, after.get(label))]
            self.send({"status": "ok", "stdout": out, "stderr": err, "mutated": mutated, "warnings": caught},
                      {"result": result})

    def serve(self) -> int:
        while True:
            parts = self.p.read_frame_blocking(self.read_fd, self.reader)
            if parts is None:
                return 0
            try:
                message, values = self.p.unpack(parts, limits=self.request_limits, handle=self.resolve)
            except self.p.ProtocolError as error:  # e.g. a released handle: refuse this request only
                self.send({"status": "bad_request", "error": {"type": "ProtocolError", "message": str(error)[:500],
                                                              "cell": None, "line": None}})
                continue
            op = message.get("op")
            if op == "setup":
                self.setup(message)
            elif op == "call":
                self.call(message, values)
            elif op == "release":
                for key in message.get("ids", []):
                    self.handles.pop(key, None)
                self.send({"status": "ok"})
            else:
                self.send({"status": "bad_request", "error": {"type": "ProtocolError", "message": f"unknown op {op!r}",
                                                              "cell": None, "line": None}})


def parse_arguments(argv: list[str]) -> tuple[int, int, list[str]]:
    """(--in FD, --out FD, every --path DIR) of the launcher's fixed command line. Not argparse:
    its import is a tenth of the worker's start, on every submission."""
    pairs = list(zip(argv[::2], argv[1::2]))
    if len(argv) % 2 or any(flag not in ("--in", "--out", "--path") for flag, _ in pairs):
        raise SystemExit(f"usage: server.py --in FD --out FD [--path DIR]...; got {argv}")
    options = dict(pairs)
    if "--in" not in options or "--out" not in options:
        raise SystemExit("server.py needs --in FD and --out FD")
    return int(options["--in"]), int(options["--out"]), [value for flag, value in pairs if flag == "--path"]


def parse_template_arguments(argv: list[str]) -> tuple[int, bool, list[str], list[str]]:
    """(control FD, --namespaces, every --path DIR, every --preload MODULE) of ``--template``."""
    namespaces = "--namespaces" in argv
    rest = [arg for arg in argv if arg != "--namespaces"]
    if len(rest) < 1 or not rest[0].isdigit() or len(rest) % 2 != 1 or any(
            flag not in ("--path", "--preload") for flag in rest[1::2]):
        raise SystemExit(f"usage: server.py --template FD [--namespaces] [--path DIR]... [--preload MODULE]...; got {argv}")
    pairs = list(zip(rest[1::2], rest[2::2]))
    return (int(rest[0]), namespaces, [value for flag, value in pairs if flag == "--path"],
            [value for flag, value in pairs if flag == "--preload"])


def run_template(argv: list[str]) -> int:
    """The worker template: its code (zygote.py, sandbox_init.py) arrives on stdin as JSON
    ``[[module name, source], ...]``, so no file of it is visible to the workers it forks."""
    control, namespaces, paths, preload = parse_template_arguments(argv)
    sys.path.extend(paths)
    shipped = json.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for name, source in shipped:
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"<{name}>", "exec", dont_inherit=True), module.__dict__)
    _load_protocol()
    return sys.modules["nnf_zygote"].serve(control, run_worker=serve, preload=["numpy", *preload],
                                           namespaces=namespaces)


def serve(read_fd: int, write_fd: int) -> int:
    """Say hello on ``write_fd`` and serve requests from ``read_fd`` until it closes."""
    # Protocol fds must not leak into programs the student's code may exec.
    for fd in (read_fd, write_fd):
        os.set_inheritable(fd, False)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - input() gets EOF, for the process's lifetime
    warnings.simplefilter("default")
    protocol = _load_protocol()
    server = Server(protocol, read_fd, write_fd)
    server.send({"event": "hello", "pid": os.getpid(), "python": sys.version.split()[0]})
    return server.serve()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--template"]:
        return run_template(argv[1:])
    read_fd, write_fd, paths = parse_arguments(argv)
    sys.path.extend(paths)
    return serve(read_fd, write_fd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
