"""The worker protocol: framed messages between the trusted grader and the sandboxed worker.

    frame   = MAGIC, u32 part count, u64 length of each part, then the parts (big-endian)
    part 0  = a UTF-8 JSON object (the message); parts 1.. = the bytes of the arrays it refers to
    value   = null | bool | int | finite float | str | list
            | {"$": "float", "v": "nan" | "inf" | "-inf"}
            | {"$": "tuple", "v": [value...]} | {"$": "dict", "v": {str: value}}
            | {"$": "nd", "p": part index, "dtype": "<f8", "shape": [3, 5]}
                                               numeric or bool ndarray: the part holds its C-order
                                               bytes; no pickle, no header for NumPy to parse
            | {"$": "rng", "state": value}     np.random.Generator, by its bit generator's state
            | {"$": "handle", "id": int, "type": str}   an object that stays in the worker

Both sides import this module: the grader as ``grader.worker.protocol``, the worker from a copy
of this file. It must therefore import nothing but the standard library and NumPy. Nothing is
ever unpickled; every decoded value is checked against ``ProtocolLimits``.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAGIC = b"NNF\x01"
_COUNT = struct.Struct(">I")
_LENGTH = struct.Struct(">Q")
ARRAY_KINDS = "biufc"
"""dtype kinds an array may have: bool, signed, unsigned, float, complex."""
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
"""Bit generators a ``np.random.Generator`` may travel with."""


class ProtocolError(ValueError):
    """A message broke the protocol: bad framing, a limit exceeded, a value of a refused type."""


@dataclass(frozen=True)
class ProtocolLimits:
    """What a receiver accepts; everything larger or deeper is refused before it is used."""

    max_message_bytes: int = 256 * 1024 * 1024
    """Total size of one frame (JSON and arrays)."""
    max_depth: int = 32
    """Nesting of lists, tuples, dicts and tags inside one value."""
    max_array_bytes: int = 128 * 1024 * 1024
    """Size of one array's data."""
    max_parts: int = 4096
    """Number of arrays in one frame, plus one."""
    max_json_bytes: int = 16 * 1024 * 1024
    """Size of the JSON part: big data must travel as arrays, not as lists of Python numbers."""


@dataclass(frozen=True)
class Handle:
    """An object that could not be encoded and stays in the worker; pass it back to use it."""

    id: int
    """The worker's key for the object."""
    type_name: str = ""
    """The object's class name, for messages (chosen by the student's code: only display it)."""
    generation: int = 0
    """Which start of the worker made it; a restarted worker no longer has the object."""


class Unencodable(TypeError):
    """A value has no encoding and no handle store was given to keep it."""


# -- framing ------------------------------------------------------------------------------


def frame(parts: list[bytes]) -> bytes:
    """The bytes of one frame holding ``parts`` (part 0 is the JSON message)."""
    head = MAGIC + _COUNT.pack(len(parts)) + b"".join(_LENGTH.pack(len(p)) for p in parts)
    return head + b"".join(parts)


class FrameReader:
    """Incremental frame parser: feed() bytes as they arrive, take complete frames with pop().

    Limits are enforced on the header, before the parts are buffered, so a sender cannot make
    the reader hold more than ``max_message_bytes``.
    """

    def __init__(self, limits: ProtocolLimits):
        self.limits = limits
        self._buffer = bytearray()
        self._lengths: list[int] | None = None
        self._head = 0

    def wanted(self) -> int:
        """How many more bytes complete the current frame (at least 1)."""
        if self._lengths is None:
            need = len(MAGIC) + _COUNT.size
            if len(self._buffer) >= need:
                count = _COUNT.unpack_from(self._buffer, len(MAGIC))[0]
                need += count * _LENGTH.size
            return max(1, need - len(self._buffer))
        return max(1, self._head + sum(self._lengths) - len(self._buffer))

    def read_size(self) -> int:
        """How much to ask the pipe for: what completes the frame, at least 64 KiB (one read
        usually takes a whole small frame, header and all), at most 1 MiB at a time. Bytes of a
        following frame stay buffered for the next ``pop``."""
        return min(max(self.wanted(), 1 << 16), 1 << 20)

    def feed(self, data: bytes) -> None:
        self._buffer += data
        self._parse_header()

    def _parse_header(self) -> None:
        if self._lengths is not None or len(self._buffer) < len(MAGIC) + _COUNT.size:
            return
        if bytes(self._buffer[: len(MAGIC)]) != MAGIC:
            raise ProtocolError("bad frame: wrong magic bytes")
        count = _COUNT.unpack_from(self._buffer, len(MAGIC))[0]
        if not 1 <= count <= self.limits.max_parts:
            raise ProtocolError(f"bad frame: {count} parts (limit {self.limits.max_parts})")
        head = len(MAGIC) + _COUNT.size + count * _LENGTH.size
        if len(self._buffer) < head:
            return
        lengths = [_LENGTH.unpack_from(self._buffer, len(MAGIC) + _COUNT.size + i * _LENGTH.size)[0]
                   for i in range(count)]
        total = head + sum(lengths)
        if lengths[0] > self.limits.max_json_bytes:
            raise ProtocolError(f"message too large: {lengths[0]} bytes of JSON (limit {self.limits.max_json_bytes})")
        if total > self.limits.max_message_bytes:
            raise ProtocolError(f"message too large: {total} bytes (limit {self.limits.max_message_bytes})")
        self._lengths, self._head = lengths, head

    def ready(self) -> bool:
        """True when a complete frame is buffered."""
        return self._lengths is not None and len(self._buffer) >= self._head + sum(self._lengths)

    def pop(self) -> list[bytes] | None:
        """The parts of the first complete frame, or None while it is incomplete."""
        if self._lengths is None:
            return None
        end = self._head + sum(self._lengths)
        if len(self._buffer) < end:
            return None
        parts, offset = [], self._head
        with memoryview(self._buffer) as view:
            for length in self._lengths:
                parts.append(bytes(view[offset: offset + length]))
                offset += length
        del self._buffer[:end]
        self._lengths = None
        self._parse_header()
        return parts


def read_frame_blocking(fd: int, reader: FrameReader) -> list[bytes] | None:
    """Block until a whole frame has arrived on ``fd``; None on end of file."""
    while (parts := reader.pop()) is None:
        data = os.read(fd, reader.read_size())
        if not data:
            return None
        reader.feed(data)
    return parts


def write_all_blocking(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[: 1 << 20]):]


# -- values -------------------------------------------------------------------------------


_DTYPE_TEXT = re.compile(r"[<>|=]?[biufc][0-9]{1,2}")
MAX_DIMENSIONS = 64
"""NumPy's own limit on an array's number of dimensions."""


def encode_array(array: np.ndarray, limits: ProtocolLimits) -> tuple[dict, bytes]:
    """(description, data): the dtype and shape for the JSON node, the C-order bytes as a part."""
    if array.dtype.kind not in ARRAY_KINDS or array.dtype.fields is not None or array.dtype.subdtype:
        raise Unencodable(f"array of dtype {array.dtype}")
    if array.nbytes > limits.max_array_bytes:
        raise ProtocolError(f"array too large: {array.nbytes} bytes (limit {limits.max_array_bytes})")
    return {"dtype": array.dtype.str, "shape": list(array.shape)}, array.tobytes(order="C")


_ALLOWED_DTYPES: dict[str, np.dtype] = {}
"""Dtype texts already checked (a handful in practice), and their dtype."""


def _allowed_dtype(dtype_text) -> np.dtype:
    dtype = _ALLOWED_DTYPES.get(dtype_text) if type(dtype_text) is str else None
    if dtype is not None:
        return dtype
    if type(dtype_text) is not str or not _DTYPE_TEXT.fullmatch(dtype_text):
        raise ProtocolError(f"array dtype {str(dtype_text)[:40]!r} is not allowed (numbers and bools only)")
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        raise ProtocolError(f"array dtype {dtype_text!r} is not a NumPy dtype") from None
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"array dtype {dtype} is not allowed (numbers and bools only)")
    if len(_ALLOWED_DTYPES) < 256:  # the regular expression admits a few hundred texts at most
        _ALLOWED_DTYPES[dtype_text] = dtype
    return dtype


def decode_array(dtype_text, shape, data: bytes, limits: ProtocolLimits) -> np.ndarray:
    """A fresh, writable, native-order array from its description and C-order bytes; the
    dtype (numbers and bools only), shape and size are checked before the data is read."""
    dtype = _allowed_dtype(dtype_text)
    if (type(shape) is not list or len(shape) > MAX_DIMENSIONS
            or not all(type(n) is int and n >= 0 for n in shape)):
        raise ProtocolError(f"bad array shape {str(shape)[:80]}")
    count = math.prod(shape)
    if count * dtype.itemsize > limits.max_array_bytes:
        raise ProtocolError(f"array too large: shape {tuple(shape)} of {dtype} (limit {limits.max_array_bytes} bytes)")
    if len(data) != count * dtype.itemsize:
        raise ProtocolError(f"array payload has {len(data)} bytes, its shape and dtype need {count * dtype.itemsize}")
    array = np.frombuffer(data, dtype=dtype, count=count).reshape(shape)
    return np.array(array, dtype=dtype.newbyteorder("="), order="C", copy=True)


class Encoder:
    """Turns Python values into JSON-ready objects, appending arrays to ``parts``.

    store: in the worker, keeps an object that has no encoding and returns its ``Handle``;
    without it (the grader), such a value raises ``Unencodable``.
    check_handle: in the grader, refuses a ``Handle`` the current worker does not have.
    Types are read with ``type()``, which a fake ``__class__`` cannot fool; subclasses of
    builtins and of ndarray travel as the base type, without their methods.
    """

    def __init__(self, limits: ProtocolLimits, *, store: Callable[[object], Handle] | None = None,
                 check_handle: Callable[[Handle], None] | None = None):
        self.limits = limits
        self.store = store
        self.check_handle = check_handle
        self.parts: list[bytes] = []
        self.size = 0

    def encode(self, value, depth: int = 0):
        if depth > self.limits.max_depth:
            raise ProtocolError(f"value nested deeper than {self.limits.max_depth} levels")
        kind = type(value)
        if value is None or kind is bool:
            return value
        # Subclasses of the builtins travel as the builtin: their methods stay behind.
        if issubclass(kind, str):
            return str.__str__(value)
        if issubclass(kind, int):
            return int.__int__(value)
        if issubclass(kind, float):
            number = float.__float__(value)
            return number if math.isfinite(number) else {"$": "float", "v": repr(number)}
        if issubclass(kind, list):
            return [self.encode(item, depth + 1) for item in list.__iter__(value)]
        if issubclass(kind, tuple):
            return {"$": "tuple", "v": [self.encode(item, depth + 1) for item in tuple.__iter__(value)]}
        if issubclass(kind, dict) and all(issubclass(type(key), str) for key in dict.keys(value)):
            items = {str.__str__(key): self.encode(item, depth + 1) for key, item in dict.items(value)}
            return {"$": "dict", "v": items}
        if kind is Handle:
            if self.check_handle is not None:
                self.check_handle(value)
            return {"$": "handle", "id": value.id, "type": value.type_name}
        try:
            return self._encode_numpy(value, kind, depth)
        except Unencodable:
            if self.store is None:
                raise
            handle = self.store(value)
            return {"$": "handle", "id": handle.id, "type": handle.type_name}

    def _encode_numpy(self, value, kind: type, depth: int):
        if issubclass(kind, np.ndarray):
            description, data = encode_array(np.asarray(value).view(np.ndarray), self.limits)
            self.size += len(data)
            if self.size > self.limits.max_message_bytes:
                raise ProtocolError(f"message too large: more than {self.limits.max_message_bytes} bytes")
            self.parts.append(data)
            return {"$": "nd", "p": len(self.parts), **description}
        if issubclass(kind, np.bool_):
            return bool(value)
        if issubclass(kind, np.integer):
            return int(value)
        if issubclass(kind, np.floating):
            return self.encode(float(value), depth)
        if kind is np.random.Generator:
            state = value.bit_generator.state
            if state.get("bit_generator") not in BIT_GENERATORS:
                raise Unencodable(f"Generator with bit generator {state.get('bit_generator')!r}")
            return {"$": "rng", "state": self.encode(state, depth + 1)}
        raise Unencodable(f"value of type {kind.__name__}")


class Decoder:
    """Turns received JSON objects back into values, validating every node.

    handle: builds what a ``{"$": "handle"}`` node becomes (the grader: a ``Handle``; the
    worker: the stored object).
    """

    def __init__(self, limits: ProtocolLimits, parts: list[bytes], *,
                 handle: Callable[[int, str], object]):
        self.limits = limits
        self.parts = parts
        self.handle = handle

    def decode(self, node, depth: int = 0):
        if depth > self.limits.max_depth:
            raise ProtocolError(f"value nested deeper than {self.limits.max_depth} levels")
        kind = type(node)
        if node is None or kind in (bool, int, float, str):
            return node
        if kind is list:
            return [self.decode(item, depth + 1) for item in node]
        if kind is not dict:
            raise ProtocolError(f"unexpected JSON node of type {kind.__name__}")
        tag = node.get("$")
        if tag == "float" and node.get("v") in ("nan", "inf", "-inf"):
            return float(node["v"])
        if tag == "tuple" and type(node.get("v")) is list:
            return tuple(self.decode(item, depth + 1) for item in node["v"])
        if tag == "dict" and type(node.get("v")) is dict:
            return {key: self.decode(item, depth + 1) for key, item in node["v"].items()}
        if tag == "nd" and type(node.get("p")) is int and 1 <= node["p"] < len(self.parts):
            return decode_array(node.get("dtype"), node.get("shape"), self.parts[node["p"]], self.limits)
        if tag == "rng":
            return self._generator(self.decode(node.get("state"), depth + 1))
        if tag == "handle" and type(node.get("id")) is int and type(node.get("type")) is str:
            return self.handle(node["id"], node["type"][:100])
        raise ProtocolError(f"unknown or malformed tagged value {str(node)[:80]!r}")

    @staticmethod
    def _generator(state) -> np.random.Generator:
        name = state.get("bit_generator") if type(state) is dict else None
        if name not in BIT_GENERATORS:
            raise ProtocolError(f"random generator state with bit generator {name!r} is not allowed")
        bit_generator = getattr(np.random, name)()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise ProtocolError(f"bad random generator state: {error}") from None
        return np.random.Generator(bit_generator)


# -- messages -----------------------------------------------------------------------------


def pack(message: dict, values: dict | None = None, *, limits: ProtocolLimits,
         store: Callable[[object], Handle] | None = None,
         check_handle: Callable[[Handle], None] | None = None) -> bytes:
    """One frame: ``message`` (JSON-native control fields) plus ``values`` encoded under "values"."""
    encoder = Encoder(limits, store=store, check_handle=check_handle)
    body = dict(message)
    body["values"] = {name: encoder.encode(value) for name, value in (values or {}).items()}
    text = json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(text) > limits.max_json_bytes:
        raise ProtocolError(f"message too large: {len(text)} bytes of JSON (limit {limits.max_json_bytes}); "
                            "send numbers as arrays")
    data = frame([text, *encoder.parts])
    if len(data) > limits.max_message_bytes:
        raise ProtocolError(f"message too large: {len(data)} bytes (limit {limits.max_message_bytes})")
    return data


def _refuse_constant(name: str):
    raise ProtocolError(f"non-standard JSON constant {name}")


def unpack(parts: list[bytes], *, limits: ProtocolLimits,
           handle: Callable[[int, str], object]) -> tuple[dict, dict]:
    """(message, values) from a frame's parts; raises ProtocolError on anything malformed."""
    try:
        message = json.loads(parts[0].decode("utf-8"), parse_constant=_refuse_constant)
    except ProtocolError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ProtocolError(f"bad JSON message: {str(error)[:200]}") from None
    if type(message) is not dict or type(message.get("values")) is not dict:
        raise ProtocolError("a message must be a JSON object with a 'values' object")
    decoder = Decoder(limits, parts, handle=handle)
    values = {name: decoder.decode(node) for name, node in message.pop("values").items()}
    return message, values
