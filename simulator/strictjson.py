"""Strict JSON: how tsim reads every JSON body it is sent (Web Services, CometD, ``/sim``).

Python's ``json`` reads more than JSON, and some of it cannot be written back:
``NaN``, ``Infinity`` and ``1e999`` (an infinite float) are not JSON, so a desktop's
``JSON.parse`` throws on them; ``"\\ud800"`` (a lone surrogate) is a string no UTF-8
file can hold; a body nested 100,000 deep makes the parser — and everything after
it that walks the value — recurse until Python gives up. ``loads`` refuses each of
them with a message that says which, before anything recursive has run on a deep
value. Limits, stated:

- nesting at most ``MAX_DEPTH`` arrays or objects deep (a scenario file allows 64;
  a recorded request's body sits a few levels down in ``session.yaml``);
- integers of at most ``MAX_INT_DIGITS`` digits; floats finite;
- strings and keys valid Unicode (no lone surrogates).
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 32
MAX_INT_DIGITS = 20

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = str.maketrans({"[": "\x01", "{": "\x01", "]": "\x00", "}": "\x00"})


class JsonRefused(ValueError):
    """A body that is not the JSON tsim reads; the message says why, for the sender
    (it reads after "the body is …")."""


def depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (strings skipped), without recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(1 if code == 1 else -1 for code in brackets.translate(_DEPTH_STEP).encode()), default=0)


def _constant(name: str) -> Any:
    raise JsonRefused(f"not JSON: {name} is not a number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"not JSON tsim reads: the number {text[:40]} is out of range")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonRefused(f"not JSON tsim reads: a number of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def loads(text: str) -> Any:
    """The JSON value of ``text``; ``JsonRefused`` when it is not JSON or not within the limits."""
    nested = depth(text)
    if nested > MAX_DEPTH:
        raise JsonRefused(f"nested {nested} levels deep; at most {MAX_DEPTH}")
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except JsonRefused:
        raise
    except ValueError as exc:
        raise JsonRefused(f"not valid JSON ({exc})") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise JsonRefused("not Unicode text: a string holds a lone surrogate (\\ud800–\\udfff)") from None
    return value
