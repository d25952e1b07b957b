"""The wire format on its own: every allowed value survives a round trip; everything else is
refused by the receiver before it is used, and nothing is ever unpickled."""

from __future__ import annotations

import ast
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from grader.worker import protocol
from grader.worker.protocol import (
    MAGIC,
    FrameReader,
    Handle,
    ProtocolError,
    ProtocolLimits,
    Unencodable,
    pack,
    unpack,
)

LIMITS = ProtocolLimits()


def as_handle(key: int, type_name: str) -> Handle:
    return Handle(key, type_name, generation=7)


def round_trip(value, limits: ProtocolLimits = LIMITS):
    data = pack({"op": "test"}, {"v": value}, limits=limits)
    reader = FrameReader(limits)
    reader.feed(data)
    message, values = unpack(reader.pop(), limits=limits, handle=as_handle)
    assert message == {"op": "test"}
    return values["v"]


def raw_frame(message: dict, *arrays: bytes) -> list[bytes]:
    return [json.dumps(message).encode(), *arrays]


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**70, 1.5, -0.0, 1e-300, "", "héllo\n\x00",
    [], [1, [2.5, [None, "x"]]], (), (1, (2, 3)), {}, {"a": 1, "b": {"c": [1, (2,)]}},
])
def test_plain_values_round_trip_with_their_types(value):
    got = round_trip(value)
    assert got == value
    assert repr(got) == repr(value)  # tuple stays tuple, list stays list, int stays int


def test_non_finite_floats_round_trip():
    nan, inf, minus = round_trip((math.nan, math.inf, -math.inf))
    assert math.isnan(nan) and inf == math.inf and minus == -math.inf


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "int8", "uint16", "bool",
                                   "complex128", ">f8"])
def test_arrays_round_trip_exactly(dtype, rng):
    array = (rng.normal(size=(3, 4)) * 10).astype(dtype)
    got = round_trip(array)
    assert type(got) is np.ndarray and got.shape == (3, 4)
    assert got.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(got, array)
    assert got.flags.writeable and got.flags.c_contiguous


def test_array_layouts_round_trip(rng):
    base = rng.normal(size=(4, 6))
    for array in (base.T, base[::2, 1::3], np.asfortranarray(base), np.array(2.5), np.zeros((0, 3))):
        got = round_trip(array)
        assert got.shape == array.shape
        np.testing.assert_array_equal(got, array)


def test_numpy_scalars_become_python_scalars():
    got = round_trip([np.float64(1.5), np.float32(0.25), np.int32(-3), np.uint8(200), np.bool_(True)])
    assert got == [1.5, 0.25, -3, 200, True]
    assert [type(v) for v in got] == [float, float, int, int, bool]


def test_subclasses_of_builtins_travel_as_the_builtin():
    class Liar(float):
        def __eq__(self, other):
            return True

    class Text(str):
        pass

    got = round_trip([Liar(2.0), Text("x"), {Text("k"): 1}])
    assert got == [2.0, "x", {"k": 1}]
    assert type(got[0]) is float and type(got[1]) is str


def test_generator_round_trips_as_its_state(rng):
    for generator in (rng, np.random.Generator(np.random.Philox(3)), np.random.Generator(np.random.MT19937(5))):
        copy = round_trip(generator)
        assert copy is not generator and type(copy.bit_generator) is type(generator.bit_generator)
        np.testing.assert_array_equal(copy.normal(size=5), generator.normal(size=5))


def test_handles_round_trip_and_unencodable_values_need_a_store():
    assert round_trip([Handle(3, "Cache")]) == [Handle(3, "Cache", generation=7)]
    with pytest.raises(Unencodable):
        pack({}, {"v": object()}, limits=LIMITS)
    stored = []

    def store(value):
        stored.append(value)
        return Handle(len(stored), type(value).__name__)

    thing = object()
    data = pack({}, {"v": (np.ones(2), thing, {1: "int key"})}, limits=LIMITS, store=store)
    reader = FrameReader(LIMITS)
    reader.feed(data)
    _, values = unpack(reader.pop(), limits=LIMITS, handle=as_handle)
    array, first, second = values["v"]
    assert stored == [thing, {1: "int key"}]
    assert (first, second) == (Handle(1, "object", 7), Handle(2, "dict", 7))


def test_refused_arrays_become_handles_in_the_worker_but_never_travel():
    with pytest.raises(Unencodable):
        pack({}, {"v": np.array(["a"], dtype=object)}, limits=LIMITS)
    with pytest.raises(Unencodable):
        pack({}, {"v": np.zeros(2, dtype=[("a", "f8")])}, limits=LIMITS)
    with pytest.raises(Unencodable):
        pack({}, {"v": np.array(["text"])}, limits=LIMITS)


def test_frames_split_anywhere_reassemble():
    data = pack({"op": "a"}, {"v": np.arange(10.0)}, limits=LIMITS) + pack({"op": "b"}, limits=LIMITS)
    reader = FrameReader(LIMITS)
    got = []
    for i in range(len(data)):
        reader.feed(data[i:i + 1])
        while (parts := reader.pop()) is not None:
            got.append(unpack(parts, limits=LIMITS, handle=as_handle)[0]["op"])
    assert got == ["a", "b"]


# -- refusals --------------------------------------------------------------------------------


def array_node(dtype, shape) -> dict:
    return {"$": "nd", "p": 1, "dtype": dtype, "shape": shape}


def decode_raw(node: dict, payload: bytes, limits: ProtocolLimits = LIMITS):
    return unpack(raw_frame({"values": {"v": node}}, payload), limits=limits, handle=as_handle)[1]["v"]


@pytest.mark.parametrize("dtype", ["|O", "O", "<U3", "|S4", "|V8", "<M8[s]", "<m8", "f8,f8", "[('a', '<f8')]",
                                   "(2,)f8", "float64", 8, None])
def test_object_structured_and_other_dtypes_are_refused_before_reading(dtype):
    with pytest.raises(ProtocolError, match="dtype"):
        decode_raw(array_node(dtype, [1]), b"\x00" * 8)


def test_pickle_bytes_cannot_become_an_object():
    """The only way to an ndarray is a numeric dtype over raw bytes: a pickle is just bytes."""
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    payload = pickle.dumps(Boom())
    with pytest.raises(ProtocolError, match="dtype"):
        decode_raw(array_node("|O", [1]), payload)
    size = len(payload) - len(payload) % 8
    got = decode_raw(array_node("<f8", [size // 8]), payload[:size])
    assert got.dtype == np.float64 and got.shape == (size // 8,)


@pytest.mark.parametrize("shape", [[-1], [2.0], [True], "3", [[3]], [1] * 65, None])
def test_malformed_shapes_are_refused(shape):
    with pytest.raises(ProtocolError, match="shape"):
        decode_raw(array_node("<f8", shape), b"")


def test_payload_must_match_its_shape_and_dtype():
    with pytest.raises(ProtocolError, match="payload has 72 bytes"):
        decode_raw(array_node("<f8", [10]), np.zeros(9).tobytes())
    with pytest.raises(ProtocolError, match="payload has 88 bytes"):
        decode_raw(array_node("<f8", [10]), np.zeros(11).tobytes())


def test_big_endian_and_fortran_arrays_arrive_native_and_c_ordered():
    big = np.arange(6, dtype=">i4").reshape(2, 3)
    assert decode_raw(array_node(">i4", [2, 3]), big.tobytes()).dtype == np.dtype("=i4")
    got = round_trip(np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    assert got.flags.c_contiguous and np.array_equal(got, np.arange(6.0).reshape(2, 3))


def test_array_larger_than_the_limit_is_refused_from_its_description():
    limits = ProtocolLimits(max_array_bytes=800)
    with pytest.raises(ProtocolError, match="array too large"):
        decode_raw(array_node("<f8", [101]), b"", limits)  # promises 808 bytes, sends none
    with pytest.raises(ProtocolError, match="array too large"):
        decode_raw(array_node("<f8", [2**40, 2**40]), b"", limits)
    assert round_trip(np.zeros(100), limits).shape == (100,)


def test_oversized_frame_is_refused_from_its_header():
    limits = ProtocolLimits(max_message_bytes=1000)
    reader = FrameReader(limits)
    with pytest.raises(ProtocolError, match="message too large"):
        reader.feed(MAGIC + b"\x00\x00\x00\x01" + (10**9).to_bytes(8, "big"))
    with pytest.raises(ProtocolError, match="message too large"):
        pack({}, {"v": "x" * 2000}, limits=limits)


def test_bad_magic_and_part_count_are_refused():
    with pytest.raises(ProtocolError, match="magic"):
        FrameReader(LIMITS).feed(b"\x80\x04pickle!")
    with pytest.raises(ProtocolError, match="parts"):
        FrameReader(LIMITS).feed(MAGIC + (10**6).to_bytes(4, "big"))


def test_deep_nesting_is_refused_on_both_sides():
    deep: list = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ProtocolError, match="nested deeper"):
        pack({}, {"v": deep}, limits=LIMITS)
    text = '{"values": {"v": ' + "[" * 40 + "]" * 40 + "}}"
    with pytest.raises(ProtocolError, match="nested deeper"):
        unpack([text.encode()], limits=LIMITS, handle=as_handle)
    abyss = '{"values": {"v": ' + "[" * 200_000 + "]" * 200_000 + "}}"
    with pytest.raises(ProtocolError):
        unpack([abyss.encode()], limits=LIMITS, handle=as_handle)


def test_self_referencing_list_is_refused_not_recursed_forever():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ProtocolError, match="nested deeper"):
        pack({}, {"v": loop}, limits=LIMITS)


@pytest.mark.parametrize("node", [
    {"$": "pickle", "v": "gASV"}, {"a": 1}, {"$": "nd", "p": 5}, {"$": "float", "v": "1e999"},
    {"$": "rng", "state": {"$": "dict", "v": {"bit_generator": {"$": "tuple", "v": []}}}},
    {"$": "rng", "state": {"$": "dict", "v": {"bit_generator": "os.system"}}},
    {"$": "handle", "id": "3", "type": "x"},
])
def test_unknown_or_malformed_tags_are_refused(node):
    with pytest.raises(ProtocolError):
        unpack(raw_frame({"values": {"v": node}}), limits=LIMITS, handle=as_handle)


@pytest.mark.parametrize("text", [
    b'{"values": {"v": NaN}}', b"[1]", b'{"op": 1}', b"\xff\xfe", b'{"values": {"v": ' + b"9" * 5000 + b"}}",
])
def test_non_standard_or_malformed_json_is_refused(text):
    with pytest.raises(ProtocolError):
        unpack([text], limits=LIMITS, handle=as_handle)


def test_worker_side_files_import_only_the_stdlib_and_numpy():
    """server.py and protocol.py are copied into the worker, which has no grader or reference."""
    allowed = {"__future__", "argparse", "builtins", "importlib", "io", "json", "linecache", "math", "os", "re", "struct", "sys",
               "traceback", "types", "warnings", "collections", "dataclasses", "pathlib", "numpy"}
    for name in ("server.py", "protocol.py"):
        tree = ast.parse((Path(protocol.__file__).parent / name).read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.level == 0}
        assert imported <= allowed, (name, imported - allowed)
        assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))


def test_server_command_line_is_parsed_strictly():
    from grader.worker.server import parse_arguments

    assert parse_arguments(["--in", "5", "--out", "6", "--path", "/a", "--path", "/b"]) == (5, 6, ["/a", "/b"])
    for bad in (["--in", "5"], ["--in", "5", "--out"], ["--in", "5", "--out", "6", "--evil", "x"]):
        with pytest.raises(SystemExit):
            parse_arguments(bad)
