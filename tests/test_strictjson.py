"""Strict JSON: what tsim refuses to read from a body, and that it refuses it without recursing."""

from __future__ import annotations

import re

import pytest

from simulator import strictjson
from simulator.strictjson import MAX_DEPTH, JsonRefused, loads


@pytest.mark.parametrize("text, reason", [
    ("[" * 100_000 + "]" * 100_000, "nested 100000 levels deep"),
    ('{"a": ' * 500 + "1" + "}" * 500, "nested 500 levels deep"),
    ("[" * 100_000, "nested 100000 levels deep"),  # not even closed: refused before parsing
    ('{"x": NaN}', "not JSON: NaN is not a number"),
    ('{"x": Infinity}', "not JSON: Infinity is not a number"),
    ('{"x": -Infinity}', "not JSON: -Infinity is not a number"),
    ('{"x": 1e999}', "the number 1e999 is out of range"),
    ('{"x": ' + "9" * 4301 + "}", "a number of 4301 digits (at most 20)"),
    ('{"x": "\\ud800"}', "lone surrogate"),
    ('{"\\udfff": 1}', "lone surrogate"),
    ('{"x": ', "not valid JSON"),
])
def test_bodies_tsim_refuses_and_why(text, reason):
    with pytest.raises(JsonRefused, match=re.escape(reason)):
        loads(text)


def test_what_it_reads():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(nested) is not None
    with pytest.raises(JsonRefused):
        loads("[" + nested + "]")
    assert loads('{"s": "[[[[{{{{ ]]] \\" {"}') == {"s": '[[[[{{{{ ]]] " {'}  # brackets in strings do not count
    assert loads('{"emoji": "\\ud83d\\ude00"}') == {"emoji": "😀"}  # a surrogate pair is one character
    assert loads('{"big": 12345678901234567890, "f": 1.5e300}') == {"big": 12345678901234567890, "f": 1.5e300}


def test_depth_is_counted_without_recursion():
    assert strictjson.depth("[" * 1_000_000) == 1_000_000
    assert strictjson.depth('{"a": [1, {"b": []}], "c": "]]]]"}') == 4
