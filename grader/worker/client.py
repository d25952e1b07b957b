"""The grader's side of a worker: start it, call the student's functions, survive what they do.

    with Worker.from_submission(extracted, limits=Limits(call_timeout_seconds=5)) as worker:
        out, cache = worker.call("linear_forward", x, w, b)   # or worker.invoke(name, args, kwargs)
        dx, dw, db = worker.call("linear_backward", dout, cache)   # cache: a Handle if not encodable

A call either returns a validated value (see ``protocol``) or raises a ``StudentError``
(``errors``): ``StudentException``, ``StudentTimeout``, ``StudentCrashed``, ``MissingFunction``,
``InvalidResult`` or ``LostHandle``. After a timeout, a crash or a refused reply the worker is
killed, and the next call starts a fresh one (re-running the submission's code): a crash costs
that one call. A worker that cannot start at all raises ``WorkerStartError``.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.grading.extract import CodeChunk, ExtractedSubmission, keep_definitions
from grader.worker import leftovers
from grader.worker.channel import Channel, ChannelDied, ChannelTimeout
from grader.worker.errors import (
    InvalidResult,
    LostHandle,
    MissingFunction,
    StudentCrashed,
    StudentError,
    StudentException,
    StudentTimeout,
    SubmissionOutOfTime,
    WorkerStartError,
    describe_exit,
)
from grader.worker.launcher import Launcher, ProcessLauncher, WorkerProcess, new_marker
from grader.limits import Limits
from grader.worker.protocol import Handle, ProtocolError, ProtocolLimits, Unencodable, pack
from grader.worker.runtime import shared_runtime

_TEXT_CHARS = 2000


@dataclass(frozen=True)
class ChunkOutcome:
    """What running one code chunk at setup did."""

    cell_index: int
    """The chunk's cell index in the submission."""
    status: str
    """ok; error (it raised); timeout or crashed (it hung or killed the worker: it is then run
    as its definitions only, or skipped if that fails too). ``error`` says which."""
    error: str = ""
    """``Type: message (cell N, line L)``, or what happened to a timed-out/crashed chunk."""
    stdout: str = ""
    """What the chunk printed (capped)."""
    stderr: str = ""
    """What the chunk wrote to stderr, warnings included (capped)."""


@dataclass
class SetupReport:
    """The submission as the last started worker loaded it."""

    chunks: list[ChunkOutcome] = field(default_factory=list)
    """One outcome per chunk, in order."""
    starts: int = 0
    """Worker processes started so far (1 + restarts)."""


@dataclass(frozen=True)
class CallOutput:
    """What one call printed."""

    stdout: str
    """Captured stdout, capped at ``Limits.stream_chars``."""
    stderr: str
    """Captured stderr (warnings included), capped likewise."""


def _text(value, default: str = "") -> str:
    return value[: _TEXT_CHARS * 10] if type(value) is str else default


def _error_fields(error) -> dict:
    """The validated pieces of an error summary from the worker."""
    error = error if type(error) is dict else {}
    cell, line = error.get("cell"), error.get("line")
    return {"type_name": _text(error.get("type"), "Exception")[:200],
            "message": _text(error.get("message"))[:_TEXT_CHARS],
            "cell": cell if type(cell) is int else None, "line": line if type(line) is int else None,
            "where": _text(error.get("where"))[:40] or None}


class _Owned:
    """What a Worker owns outside Python, released by close() or, failing that, by a finalizer."""

    def __init__(self):
        self.channel: Channel | None = None
        self.log_channel: Channel | None = None  # the last one, kept for its log after a kill
        self.base: Path | None = None

    def kill(self) -> int | None:
        status = None
        if self.channel is not None:
            status = self.channel.kill()
            self.channel = None
        return status

    def release(self) -> None:
        self.kill()
        if self.log_channel is not None:
            self.log_channel.close_log()
            self.log_channel = None
        if self.base is not None:
            leftovers.remove_tree(self.base)
            self.base = None


class Worker:
    """One submission's sandboxed worker process, restarted on demand."""

    def __init__(self, chunks: Sequence[CodeChunk], *, limits: Limits | None = None,
                 protocol_limits: ProtocolLimits | None = None, launcher: Launcher | None = None,
                 temp_root: str | Path | None = None, preload: Sequence[str] = ()):
        self.chunks = list(chunks)
        self.preload = tuple(preload)
        """Modules imported before the submission's code (a worker template has them already)."""
        self.limits = limits or Limits()
        self.protocol_limits = protocol_limits or ProtocolLimits()
        self.launcher = launcher or ProcessLauncher()
        self.temp_root = temp_root
        self.report = SetupReport()
        self.last_output: CallOutput | None = None
        self.last_mutated: list[str] = []
        """Arguments the last call changed in place (its array arguments, compared before and after)."""
        self.last_warnings: list[str] = []
        """Warnings the last call emitted, one line each (``RuntimeWarning: overflow encountered in
        exp (cell 4, line 3)``): the first few distinct ones, deprecation warnings left out."""
        self._skipped: dict[int, ChunkOutcome] = {}
        self._reduced: dict[int, tuple[str, str]] = {}  # cell index -> (definitions only, why)
        self._generation = 0
        self._deadline: float | None = None  # of the submission's time budget, from the first start
        self._owned = _Owned()
        weakref.finalize(self, self._owned.release)  # no process or directory outlives the object

    @classmethod
    def from_submission(cls, submission: ExtractedSubmission, **options) -> Worker:
        return cls(submission.chunks, **options)

    # -- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> Worker:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def process(self) -> WorkerProcess | None:
        """The running worker process (None before start, after a crash or close)."""
        return self._owned.channel.process if self._owned.channel else None

    def start(self) -> SetupReport:
        """Start the worker (if not running) and load the submission's chunks in it."""
        if self._owned.channel is not None:
            return self.report
        if self._owned.base is None:
            self._owned.base = Path(tempfile.mkdtemp(prefix=leftovers.PREFIX, dir=self.temp_root))
            leftovers.claim(self._owned.base)
        if self._deadline is None:
            self._deadline = time.monotonic() + self.limits.submission_seconds
        while True:
            if self._time_left() <= 0:
                raise SubmissionOutOfTime(self.limits.submission_seconds)
            if self.report.starts > self.limits.max_restarts:
                raise StudentCrashed(f"the worker was restarted {self.limits.max_restarts} times; "
                                     "giving up on this submission")
            if self._start_once():
                return self.report

    def close(self) -> None:
        """Kill the worker and everything it started, and delete its directories."""
        self._owned.release()

    def _launch(self) -> Channel:
        self._owned.kill()
        if self._owned.log_channel is not None:
            self._owned.log_channel.close_log()
        self._generation += 1
        scratch = self._owned.base / "scratch"
        leftovers.remove_tree(scratch)
        scratch.mkdir(mode=0o700)
        server, import_paths = shared_runtime()
        channel = Channel.open(self.launcher, self.protocol_limits, log_dir=self.temp_root, python=sys.executable,
                               server=server, scratch=scratch, import_paths=import_paths, limits=self.limits,
                               marker=new_marker(), preload=self.preload)
        self._owned.channel = self._owned.log_channel = channel
        return channel

    def _start_once(self) -> bool:
        """Launch and load; False when a chunk hung or crashed the worker. Such a chunk is
        retried as its definitions only (a def followed by a stray training loop keeps the
        def), then skipped."""
        channel = self._launch()
        self.report.starts += 1
        current = None
        try:
            hello, _ = channel.receive(time.monotonic() + self.limits.start_timeout_seconds, self._make_handle)
            if hello.get("event") != "hello":
                raise ProtocolError(f"expected hello, got {str(hello)[:200]}")
            runnable = [c for c in self.chunks if c.cell_index not in self._skipped]
            sources = [{"index": c.cell_index, "label": _label(c),
                        "source": self._reduced.get(c.cell_index, (c.source, ""))[0]} for c in runnable]
            request = {"op": "setup", "output_chars": self.limits.stream_chars,
                       "reply_limits": dataclasses.asdict(self.protocol_limits), "chunks": sources}
            channel.send(pack(request, limits=self.protocol_limits), time.monotonic() + self.limits.start_timeout_seconds)
            outcomes: dict[int, ChunkOutcome] = {}
            while True:
                message, _ = channel.receive(time.monotonic() + min(self.limits.cell_timeout_seconds, self._time_left()),
                                             self._make_handle)
                if message.get("event") == "ready":
                    break
                if message.get("event") != "chunk" or type(message.get("index")) is not int:
                    raise ProtocolError(f"unexpected message during setup: {str(message)[:200]}")
                if message.get("phase") == "start":
                    current = message["index"]
                    continue
                current = None
                outcomes[message["index"]] = self._chunk_outcome(message)
        except (ChannelTimeout, ChannelDied, ProtocolError) as failure:
            status = self._owned.kill()
            if current is None:
                exit_text = describe_exit(status, self.limits.cpu_seconds)
                raise WorkerStartError(f"the worker failed while starting or loading the submission "
                                       f"({type(failure).__name__}: {failure}); {exit_text}; "
                                       f"log: {channel.log_tail()}") from None
            self._after_chunk_failure(current, isinstance(failure, ChannelTimeout), status)
            return False
        outcomes.update(self._skipped)
        self.report.chunks = [outcomes[c.cell_index] for c in self.chunks if c.cell_index in outcomes]
        return True

    def _after_chunk_failure(self, index: int, timed_out: bool, status: int | None) -> None:
        status_name = "timeout" if timed_out else "crashed"
        reason = (f"did not finish within {self.limits.cell_timeout_seconds:g} s" if timed_out
                  else describe_exit(status, self.limits.cpu_seconds))
        chunk = next(c for c in self.chunks if c.cell_index == index)
        if index not in self._reduced:
            reduced, _ = keep_definitions(chunk.source)
            if reduced.strip() and reduced.strip() != chunk.source.strip():
                self._reduced[index] = (reduced, f"{status_name}: {reason}; only its definitions were run")
                return
        self._skipped[index] = ChunkOutcome(index, status_name, f"{reason}; not run")

    def _chunk_outcome(self, message: dict) -> ChunkOutcome:
        index = message["index"]
        out, err = _text(message.get("stdout")), _text(message.get("stderr"))
        note = self._reduced.get(index, ("", ""))[1]
        status, _, note = note.partition(": ") if note else ("ok", "", "")
        if message.get("error") is None:
            return ChunkOutcome(index, status, note, out, err)
        fields = _error_fields(message["error"])
        text = str(StudentException(fields.pop("type_name"), fields.pop("message"), **fields))
        return ChunkOutcome(index, "error", f"{note}; then {text}" if note else text, out, err)

    # -- calls ---------------------------------------------------------------------------
    def call(self, name: str, *args, timeout: float | None = None, **kwargs):
        """``name(*args, **kwargs)`` in the worker; see ``invoke``."""
        return self.invoke(name, args, kwargs, timeout=timeout)

    def invoke(self, name: str, args: Sequence = (), kwargs: dict | None = None, *, timeout: float | None = None):
        """The student's ``name(*args, **kwargs)``: its validated result, or a StudentError.

        Arguments are sent by value (an rng too: the worker's draws do not advance the
        caller's generator); ``Handle``s from earlier results are resolved in the worker.
        Arguments the protocol cannot carry raise ``Unencodable``/``ProtocolError`` (the
        grader's mistake) before anything is sent."""
        self.last_output = None
        self.last_mutated = []
        self.last_warnings = []
        data = pack({"op": "call", "name": name}, {"args": tuple(args), "kwargs": dict(kwargs or {})},
                    limits=self.protocol_limits, check_handle=self._check_handle)
        self.start()
        message, values = self._exchange(data, self.limits.call_timeout_seconds if timeout is None else timeout)
        status = message.get("status")
        output = {"stdout": _text(message.get("stdout")), "stderr": _text(message.get("stderr"))}
        self.last_output = CallOutput(**output)
        mutated = message.get("mutated")
        self.last_mutated = [str(m)[:60] for m in mutated[:20]] if isinstance(mutated, list) else []
        self.last_warnings = _warning_lines(message.get("warnings"))
        error = _error_fields(message.get("error"))
        if status == "ok" and "result" in values:
            return values["result"]
        if status == "raised":
            raise StudentException(**error, **output)
        if status == "missing":
            raise MissingFunction(error["message"], **output)
        if status == "unencodable":
            raise InvalidResult(f"the result cannot be sent back: {error['message']}", **output)
        if status == "bad_request":
            raise InvalidResult(f"the worker refused the call: {error['message']}", **output)
        self._owned.kill()
        raise InvalidResult(f"malformed reply (status {str(status)[:40]!r})", **output)

    def release(self, *handles: Handle) -> None:
        """Let the worker drop the objects behind ``handles`` (stale ones are ignored)."""
        ids = [h.id for h in handles if h.generation == self._generation]
        if ids and self._owned.channel is not None and self._time_left() > 0:
            self._exchange(pack({"op": "release", "ids": ids}, limits=self.protocol_limits), self.limits.call_timeout_seconds)

    def _make_handle(self, key: int, type_name: str) -> Handle:
        return Handle(key, type_name, self._generation)

    def _check_handle(self, handle: Handle) -> None:
        if handle.generation != self._generation or self._owned.channel is None:
            raise LostHandle(f"this {handle.type_name or 'object'} came from a worker that has since "
                             "crashed or timed out, so it is gone")

    def _time_left(self) -> float:
        """Seconds left of the submission's time budget (all of it before the first start)."""
        return self.limits.submission_seconds if self._deadline is None else self._deadline - time.monotonic()

    def _exchange(self, data: bytes, seconds: float) -> tuple[dict, dict]:
        channel = self._owned.channel
        left = self._time_left()
        if left <= 0:
            self._owned.kill()
            raise SubmissionOutOfTime(self.limits.submission_seconds)
        deadline = time.monotonic() + min(seconds, left)
        try:
            channel.send(data, deadline)
            return channel.receive(deadline, self._make_handle)
        except ChannelTimeout:
            self._owned.kill()
            if left < seconds:
                raise SubmissionOutOfTime(self.limits.submission_seconds) from None
            raise StudentTimeout(seconds) from None
        except ChannelDied:
            status = self._owned.kill()
            raise StudentCrashed(describe_exit(status, self.limits.cpu_seconds), returncode=status,
                                 log=channel.log_tail()) from None
        except ProtocolError as error:
            self._owned.kill()
            raise InvalidResult(str(error)) from None


def _warning_lines(warnings) -> list[str]:
    """One line per warning the worker reported (validated: the worker runs the student's code)."""
    if not isinstance(warnings, list):
        return []
    lines = []
    for warning in warnings[:5]:
        if type(warning) is not dict:
            continue
        fields = _error_fields({"type": warning.get("category"), **warning})
        text = f"{fields['type_name'] or 'Warning'}: {fields['message'][:300]}"
        if fields["cell"] is not None and fields["line"] is not None:
            where = fields["where"] or f"cell {fields['cell'] + 1}"
            text += f" ({where}, line {fields['line']})"
        lines.append(text)
    return lines


def _label(chunk: CodeChunk) -> str:
    return "module" if chunk.kind == "module" else f"cell {chunk.cell_index + 1}"


__all__ = ["CallOutput", "ChunkOutcome", "Handle", "InvalidResult", "LostHandle", "MissingFunction", "SetupReport",
           "StudentCrashed", "StudentError", "StudentException", "StudentTimeout", "Unencodable", "Worker",
           "WorkerStartError"]
