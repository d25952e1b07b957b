"""One started worker process and its two pipes, read and written with deadlines.

    channel = Channel.open(launcher, python=..., server=..., scratch=..., ...)
    channel.send(frame_bytes, deadline); message, values = channel.receive(deadline, handle)
    channel.kill() -> exit status

``send``/``receive`` raise ``ChannelTimeout`` at the deadline, ``ChannelDied`` when the
process is gone (pidfd, or polling where there is none) and ``ProtocolError`` on a bad frame.
"""

from __future__ import annotations

import contextlib
import os
import select
import tempfile
import time
from collections.abc import Callable

from grader.worker import core_lending
from grader.worker.launcher import Launcher, LaunchSpec, WorkerProcess
from grader.worker.protocol import FrameReader, ProtocolLimits, unpack

_CHUNK = 1 << 20


class ChannelTimeout(Exception):
    """The deadline passed with no complete message."""


class ChannelDied(Exception):
    """The worker process exited or closed its end of the pipe."""


class Channel:
    """A running worker: its process, request/reply pipes, pidfd and output log."""

    def __init__(self, process: WorkerProcess, request: int, reply: int, log, limits: ProtocolLimits):
        self.process = process
        self.request, self.reply = request, reply
        self.log = log
        self.limits = limits
        self.reader = FrameReader(limits)
        os.set_blocking(request, False)
        os.set_blocking(reply, False)
        try:
            self.pidfd: int | None = os.pidfd_open(process.pid)
        except (AttributeError, OSError):
            self.pidfd = None  # receive() polls the process instead
        self.writable = select.poll()
        self.writable.register(request, select.POLLOUT)
        self.readable = select.poll()
        self.readable.register(reply, select.POLLIN)
        if self.pidfd is not None:
            self.readable.register(self.pidfd, select.POLLIN)

    @classmethod
    def open(cls, launcher: Launcher, protocol_limits: ProtocolLimits, log_dir: str | None = None,
             **spec) -> Channel:
        """Make the pipes and the log, launch the worker with ``LaunchSpec(**spec)``."""
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        log = tempfile.TemporaryFile(dir=log_dir)  # unlinked: the worker cannot swap it for a symlink
        try:
            process = launcher.launch(LaunchSpec(read_fd=request_read, write_fd=reply_write,
                                                 log_fd=log.fileno(), **spec))
        except BaseException:
            os.close(request_write)
            os.close(reply_read)
            log.close()
            raise
        finally:
            os.close(request_read)
            os.close(reply_write)
        return cls(process, request_write, reply_read, log, protocol_limits)

    def kill(self) -> int | None:
        """Kill the worker and all it started; close the pipes; return its exit status."""
        status = self.process.kill()
        for fd in (self.request, self.reply, self.pidfd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        return status

    def close_log(self) -> None:
        self.log.close()

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        poller = self.writable
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout
            if not poller.poll(min(remaining, 0.1) * 1000):
                if self.process.poll() is not None:
                    raise ChannelDied
                continue
            try:
                view = view[os.write(self.request, view[:_CHUNK]):]
            except BlockingIOError:
                continue
            except OSError:  # EPIPE: the worker is gone
                raise ChannelDied from None

    def receive(self, deadline: float, handle: Callable[[int, str], object]) -> tuple[dict, dict]:
        """The next complete message (decoded and validated), waiting until ``deadline``."""
        poller = self.readable
        # With a pidfd the poll can wait the whole time, unless it must look at the student's
        # CPU use now and then (a core is lent while the student sleeps).
        slice_seconds = core_lending.LOOK_EVERY if core_lending.installed() else None
        if self.pidfd is None:
            slice_seconds = 0.05
        with core_lending.Wait(self.process.pid) as wait:
            while (parts := self.reader.pop()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ChannelTimeout
                ready = dict(poller.poll((remaining if slice_seconds is None else min(remaining, slice_seconds)) * 1000))
                ended = self._drain()
                # A reply written just before the process died still counts: read first, then judge.
                if ended or self.pidfd in ready or (self.pidfd is None and self.process.poll() is not None):
                    if (parts := self.reader.pop()) is not None:
                        break
                    raise ChannelDied
                if not ready:
                    wait.look()
        return unpack(parts, limits=self.limits, handle=handle)

    def _drain(self) -> bool:
        """Read what is available until a frame is complete; True at end of file."""
        while not self.reader.ready():
            try:
                data = os.read(self.reply, self.reader.read_size())
            except BlockingIOError:
                return False
            if not data:
                return True
            self.reader.feed(data)
        return False

    def log_tail(self, size: int = 2000) -> str:
        """The end of what the worker wrote to fds 1 and 2 (read through our own fd)."""
        with contextlib.suppress(OSError, ValueError):
            end = os.fstat(self.log.fileno()).st_size
            return os.pread(self.log.fileno(), size, max(0, end - size)).decode("utf-8", "replace")
        return ""
