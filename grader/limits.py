"""What one submission's sandboxed worker may use: the one ``Limits`` type, its defaults
written once, here.

``[grading.limits]`` and each ``[assignments.limits]`` of course.toml set any field by its
name (``grader.config``); the build writes the assignment's whole ``Limits`` into its bundle's
manifest and grading reads it back unchanged (``grader.bundle``); the worker applies it
(``grader.worker``). Timeouts are wall clock; the rest are kernel limits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

MIB = 1024**2


@dataclass(frozen=True)
class Limits:
    """Resource limits of the sandboxed worker that runs one student's code."""

    call_timeout_seconds: float = 10.0
    """Wall-clock seconds one call of a student's function may take."""
    memory_mb: int = 2048
    """Address-space limit (RLIMIT_AS) of the worker process, in MiB."""
    cpu_seconds: float = 120.0
    """CPU seconds (RLIMIT_CPU, whole seconds) the worker may use for one whole submission."""
    output_bytes: int = 65536
    """The student's printed output kept per call or cell: half for stdout, half for stderr."""
    submission_seconds: float = 120.0
    """Wall-clock seconds for one whole submission (loading and every call together); once used
    up, the rest of it is not run, so no submission holds a batch up for long."""
    cell_timeout_seconds: float = 30.0
    """Wall-clock seconds per code cell while the submission is loaded; a cell over it is skipped."""
    start_timeout_seconds: float = 30.0
    """Wall-clock seconds for a fresh worker to start (interpreter and NumPy import)."""
    file_mb: int = 64
    """The largest file (RLIMIT_FSIZE) the worker may write, in MiB."""
    max_processes: int = 16
    """Processes the worker may add (pids.max of its cgroup; RLIMIT_NPROC on top of the user's count)."""
    max_restarts: int = 20
    """Restarts of the worker after crashes or timeouts before every further call fails at once."""

    @property
    def memory_bytes(self) -> int:
        return self.memory_mb * MIB

    @property
    def file_bytes(self) -> int:
        return self.file_mb * MIB

    @property
    def stream_chars(self) -> int:
        """Characters kept of stdout, and of stderr, per call or cell: ``output_bytes`` shared
        between the two streams (a character of printed text is a byte unless it is not ASCII)."""
        return self.output_bytes // 2

    def to_manifest(self) -> dict:
        return asdict(self)

    @classmethod
    def from_manifest(cls, data: dict) -> "Limits":
        """The limits a manifest carries: every field, no fallbacks (KeyError or TypeError
        names what is missing or unknown; the bundle loader turns it into "rebuild")."""
        missing = [f.name for f in fields(cls) if f.name not in data]
        if missing:
            raise KeyError(f"limits without {', '.join(missing)}")
        return cls(**data)
