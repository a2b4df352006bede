"""Tests of the data-only wire format for values returned by student code."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from autograder.sandbox.codec import CodecError, Opaque, TooLarge, decode, encode


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**80, 1.5, float("inf"), "text é", [], (), {},
    [1, (2.0, "x"), {"k": [None]}],
    {1: "int key", "s": 2.0, (1, 2): "tuple key"},
])
def test_plain_values_round_trip(value):
    """Do Python values come back equal and of the same type?"""
    back = decode(encode(value))
    assert back == value
    assert type(back) is type(value)


def test_nan_round_trips():
    """Does a NaN float survive (it is not valid JSON)?"""
    assert np.isnan(decode(encode(float("nan"))))


@pytest.mark.parametrize("arr", [
    np.arange(12.0).reshape(3, 4), np.array([], dtype=np.int32), np.array(3.5),
    np.array([[True, False]]), np.array([1 + 2j]), np.arange(6, dtype=np.uint8)[::2],
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
])
def test_arrays_round_trip_exactly(arr):
    """Do numeric arrays keep dtype, shape and values, whatever their memory layout?"""
    back = decode(encode(arr))
    assert isinstance(back, np.ndarray)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)


def test_numpy_scalars_stay_scalars():
    """Is np.float32(2) returned as a numpy scalar of the same dtype, not an array?"""
    back = decode(encode(np.float32(2.0)))
    assert isinstance(back, np.float32) and back == 2.0


@pytest.mark.parametrize("value", [lambda x: x, object(), np.array([object()]), print])
def test_unsupported_values_become_opaque(value):
    """Is a function, object or object array reported by type instead of transported?"""
    back = decode(encode(value))
    assert isinstance(back, Opaque)
    assert back.type_name


def test_malicious_pickle_is_not_decoded():
    """Does the decoder refuse a pickle payload instead of running it?"""
    class Evil:
        def __reduce__(self):
            return (exec, ("raise SystemExit('pwned')",))

    with pytest.raises(CodecError):
        decode(pickle.dumps(Evil()))


@pytest.mark.parametrize("data", [b"", b"\x00" * 3, b"\xff" * 16, encode([1, 2])[:-1] + b"!"])
def test_garbage_raises_codec_error(data):
    """Do truncated or random bytes raise CodecError (never another exception)?"""
    try:
        decode(data)
    except CodecError:
        pass


def test_max_bytes_refuses_large_arrays_before_copying():
    """Do arrays past max_bytes raise TooLarge with their size, and values under it pass?"""
    parts = {"a": np.zeros(100), "b": [np.ones(60), np.ones(50)]}  # 800 + 480 + 400 bytes
    with pytest.raises(TooLarge) as info:
        encode(parts, max_bytes=1200)
    assert info.value.size == 1280
    back = decode(encode(parts, max_bytes=1680))
    np.testing.assert_array_equal(back["b"][1], np.ones(50))


@pytest.mark.parametrize("value", [
    np.float64(np.inf), np.float64(-np.inf), np.float64(np.nan), np.float64(0.1),
    np.float32(np.inf), np.float16(-np.inf), np.longdouble(np.nan), np.complex128(np.inf),
    np.int64(-3), np.uint8(200), np.bool_(True), np.bool_(False), np.int8(-128),
])
def test_every_numpy_scalar_comes_back_as_itself(value):
    """Does each kind of numpy scalar, inf and nan included, return with its own type and
    value (np.float64 is a float subclass whose repr is no float literal)?"""
    back = decode(encode(value))
    assert type(back) is type(value)
    assert np.array_equal(np.asarray(back), np.asarray(value), equal_nan=True)


def test_numpy_scalars_inside_containers():
    """Do numpy scalars keep their type inside tuples, lists and dicts?"""
    value = (np.float64(np.inf), [np.float32(np.nan)], {"loss": np.float64(-np.inf)})
    back = decode(encode(value))
    assert type(back[0]) is np.float64 and np.isposinf(back[0])
    assert type(back[1][0]) is np.float32 and np.isnan(back[1][0])
    assert type(back[2]["loss"]) is np.float64 and np.isneginf(back[2]["loss"])


def test_numpy_strings_are_plain_text():
    """Is a np.str_ returned as text, not as an unreadable object?"""
    assert decode(encode(np.str_("relu"))) == "relu"


def test_huge_integers_round_trip():
    """Does an integer with thousands of digits (beyond int('...')'s digit limit) come
    back intact?"""
    value = -(7 ** 9000)
    assert decode(encode(value)) == value


def test_float_subclasses_travel_as_their_value():
    """Is a float subclass with an odd repr sent as its value (inf included)?"""
    class Odd(float):
        def __repr__(self):
            return "odd"

    assert decode(encode(Odd("inf"))) == float("inf")
    assert decode(encode(Odd(2.5))) == 2.5
